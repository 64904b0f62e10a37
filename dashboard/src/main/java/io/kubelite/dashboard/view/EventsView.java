package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events stream (core/v1 Events): the newest {@value #LIMIT} in the namespace filter, newest
 * first, optionally only one {@code type} ({@code Warning} or {@code Normal}, the view parameter
 * {@code type}). Bounded, so a busy cluster's thousands of events cost the page no more than a
 * screenful; the summary says how many matched in all. Rows are keyed {@code namespace/name} (a
 * repeated event is one row whose count and last-seen time move).
 */
final class EventsView implements View {
    static final int LIMIT = 300;

    private final ViewContext ctx;

    EventsView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.EVENTS);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        String type = query.param("type");
        ObjectNode summary = Json.object().put("limit", LIMIT).put("type", type);
        if (!type.isEmpty() && !type.equals("Warning") && !type.equals("Normal")) {
            summary.put("error", "type must be Warning or Normal, not \"" + type + "\"")
                    .put("matched", 0);
            return new ViewModel(summary, Map.of());
        }
        List<Map.Entry<String, JsonNode>> matched = new ArrayList<>();
        for (JsonNode e : ctx.caches().of(ResourceType.EVENTS).objects()) {
            String ns = e.path("metadata").path("namespace").asText("");
            if (query.includes(ns)
                    && (type.isEmpty() || type.equals(e.path("type").asText("Normal")))) {
                matched.add(Map.entry(ns + "/" + e.path("metadata").path("name").asText(), e));
            }
        }
        matched.sort((a, b) -> EventRows.newestFirst(a.getKey(), a.getValue(), b.getKey(), b.getValue()));
        Map<String, ObjectNode> items = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : matched.subList(0, Math.min(LIMIT, matched.size()))) {
            items.put(e.getKey(), EventRows.row(e.getValue()));
        }
        summary.put("matched", matched.size());
        return new ViewModel(summary, items);
    }
}
