package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pods list: namespace, name, node, status as kubectl's STATUS column shows it (the phase,
 * a waiting or terminated container's reason, Terminating), ready x/y, restarts, creation time
 * (the page computes the age) and each condition's type and status.
 */
final class PodsView implements View {
    private final ViewContext ctx;

    PodsView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "pods";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.PODS);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        Map<String, ObjectNode> items = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        for (JsonNode pod : ctx.caches().of(ResourceType.PODS).objects()) {
            JsonNode meta = pod.path("metadata");
            String ns = meta.path("namespace").asText();
            if (!query.includes(ns)) {
                continue;
            }
            JsonNode status = pod.path("status");
            int ready = 0;
            int restarts = 0;
            String reason = "";
            for (JsonNode cs : status.path("containerStatuses")) {
                ready += cs.path("ready").asBoolean(false) ? 1 : 0;
                restarts += cs.path("restartCount").asInt(0);
                String r = cs.path("state").path("waiting").path("reason").asText("");
                if (r.isEmpty()) {
                    r = cs.path("state").path("terminated").path("reason").asText("");
                }
                if (!r.isEmpty()) {
                    reason = r;
                }
            }
            String phase = status.path("phase").asText("Pending");
            String shown = meta.has("deletionTimestamp")
                    ? "Terminating"
                    : !reason.isEmpty() && !phase.equals("Succeeded") ? reason : phase;
            ObjectNode row = Json.object()
                    .put("namespace", ns)
                    .put("name", meta.path("name").asText())
                    .put("node", pod.path("spec").path("nodeName").asText(""))
                    .put("phase", phase)
                    .put("status", shown)
                    .put("ready", ready)
                    .put("containers", pod.path("spec").path("containers").size())
                    .put("restarts", restarts)
                    .put("created", meta.path("creationTimestamp").asText(""));
            var conditions = row.putArray("conditions");
            for (JsonNode c : status.path("conditions")) {
                conditions
                        .addObject()
                        .put("type", c.path("type").asText())
                        .put("status", c.path("status").asText());
            }
            byStatus.merge(shown, 1, Integer::sum);
            items.put(ns + "/" + meta.path("name").asText(), row);
        }
        ObjectNode summary = Json.object().put("count", items.size());
        ObjectNode s = summary.putObject("byStatus");
        byStatus.forEach(s::put);
        return new ViewModel(summary, items);
    }
}
