package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The lines of a Loki answer (a {@code query_range} answer's {@code data.result}, or a tail
 * message's {@code streams}), each with its timestamp, its stream's labels and its pod and
 * container, oldest first whatever the query's direction (ties keep the answer's order).
 */
final class LokiLines {
    /**
     * One line: Unix nanoseconds, the stream's labels as Loki gave them, its pod and container, the
     * text, and the container instance that wrote it when the store said (structured metadata
     * {@code pod_uid}, {@code restart_count}; else null and -1).
     */
    record Line(long ts, String labels, String pod, String container, String text, String podUid, int restartCount) {
        Line(long ts, String labels, String pod, String container, String text) {
            this(ts, labels, pod, container, text, null, -1);
        }

        /** What identifies a line across overlapping answers (a followed search asks again). */
        String key() {
            return ts + "\u0000" + labels + "\u0000" + text;
        }

        /** {@code kubectl logs --prefix}'s prefix: {@code [pod/NAME/CONTAINER]}. */
        String prefix() {
            return "[pod/" + pod + "/" + container + "]";
        }

        String printed() {
            return prefix() + " " + text;
        }
    }

    private LokiLines() {}

    /** A {@code query_range} answer's lines, oldest first. */
    static List<Line> of(JsonNode answer) {
        return ofStreams(answer.path("data").path("result"));
    }

    /** The lines of an array of Loki streams ({@code {"stream":{labels},"values":[[ts,line],...]}}), oldest first. */
    static List<Line> ofStreams(JsonNode streams) {
        List<Line> lines = new ArrayList<>();
        for (JsonNode s : streams) {
            JsonNode labels = s.path("stream");
            String pod = labels.path("pod").asText("?");
            String container = labels.path("container").asText("?");
            for (JsonNode v : s.path("values")) {
                JsonNode meta = v.path(2).path("structuredMetadata");
                lines.add(new Line(
                        Long.parseLong(v.get(0).asText()),
                        labels.toString(),
                        pod,
                        container,
                        v.get(1).asText(),
                        meta.has("pod_uid") ? meta.get("pod_uid").asText() : null,
                        meta.path("restart_count").asInt(-1)));
            }
        }
        lines.sort(Comparator.comparingLong(Line::ts));
        return lines;
    }
}
