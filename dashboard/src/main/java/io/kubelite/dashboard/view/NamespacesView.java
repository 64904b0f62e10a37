package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceCache;
import io.kubelite.dashboard.cache.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The namespaces, for the namespace filter: name and phase (Active, Terminating). */
final class NamespacesView implements View {
    private final ViewContext ctx;

    NamespacesView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "namespaces";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.NAMESPACES);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        ResourceCache namespaces = ctx.caches().of(ResourceType.NAMESPACES);
        Map<String, ObjectNode> items = new TreeMap<>();
        for (JsonNode ns : namespaces.objects()) {
            String name = ns.path("metadata").path("name").asText();
            items.put(
                    name,
                    Json.object()
                            .put("name", name)
                            .put("phase", ns.path("status").path("phase").asText("Active")));
        }
        return new ViewModel(Json.object().put("count", items.size()), items);
    }
}
