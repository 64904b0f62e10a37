package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A core/v1 Event as a compact row: type, reason, message, count, when it was first and last seen
 * (the page computes ages), the involved object and who reported it. "Last seen" is what kubectl
 * shows: the series' last observation, else {@code lastTimestamp}, else {@code eventTime}, else
 * the creation time (events.k8s.io-style writers fill only some of these).
 */
final class EventRows {
    private EventRows() {}

    static ObjectNode row(JsonNode event) {
        JsonNode meta = event.path("metadata");
        JsonNode involved = event.path("involvedObject");
        ObjectNode row = Json.object()
                .put("namespace", meta.path("namespace").asText(""))
                .put("name", meta.path("name").asText(""))
                .put("type", event.path("type").asText("Normal"))
                .put("reason", event.path("reason").asText(""))
                .put("message", event.path("message").asText(""))
                .put(
                        "count",
                        Math.max(
                                1,
                                event.path("series")
                                        .path("count")
                                        .asInt(event.path("count").asInt(1))))
                .put("first", first(event))
                .put("last", lastSeen(event))
                .put("source", source(event));
        row.putObject("object")
                .put("kind", involved.path("kind").asText(""))
                .put("namespace", involved.path("namespace").asText(""))
                .put("name", involved.path("name").asText(""))
                .put("fieldPath", involved.path("fieldPath").asText(""));
        return row;
    }

    /** When the event last happened, as an RFC 3339 string ("" when unknown); sorts as time. */
    static String lastSeen(JsonNode event) {
        for (String t : new String[] {
            event.path("series").path("lastObservedTime").asText(""),
            event.path("lastTimestamp").asText(""),
            event.path("eventTime").asText(""),
            event.path("metadata").path("creationTimestamp").asText("")
        }) {
            if (!t.isEmpty()) {
                return t;
            }
        }
        return "";
    }

    private static String first(JsonNode event) {
        String t = event.path("firstTimestamp").asText("");
        if (t.isEmpty()) {
            t = event.path("eventTime").asText("");
        }
        return t.isEmpty() ? event.path("metadata").path("creationTimestamp").asText("") : t;
    }

    private static String source(JsonNode event) {
        String component = event.path("source").path("component").asText("");
        String host = event.path("source").path("host").asText("");
        if (component.isEmpty()) {
            component = event.path("reportingComponent").asText("");
            host = event.path("reportingInstance").asText("");
        }
        return host.isEmpty() ? component : component + ", " + host;
    }

    /** Newest first; ties by key, so the order is stable between renders. */
    static int newestFirst(String keyA, JsonNode a, String keyB, JsonNode b) {
        int c = Times.compare(lastSeen(b), lastSeen(a));
        return c != 0 ? c : keyA.compareTo(keyB);
    }
}
