package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The lines of a Loki {@code query_range} answer ({@code resultType: streams}), each with its
 * timestamp and the {@code kubectl logs --prefix} prefix ({@code [pod/NAME/CONTAINER]}) made from
 * its stream's labels, oldest first whatever the query's direction (ties keep the answer's order).
 */
final class LokiLines {
    /** One line: Unix nanoseconds, the stream's labels as Loki gave them, and the text. */
    record Line(long ts, String labels, String prefix, String text) {
        /** What identifies a line across overlapping answers (a followed search asks again). */
        String key() {
            return ts + "\u0000" + labels + "\u0000" + text;
        }

        String printed() {
            return prefix + " " + text;
        }
    }

    private LokiLines() {}

    /** The answer's lines, oldest first. */
    static List<Line> of(JsonNode answer) {
        List<Line> lines = new ArrayList<>();
        for (JsonNode s : answer.path("data").path("result")) {
            JsonNode labels = s.path("stream");
            String prefix = "[pod/" + labels.path("pod").asText("?") + "/"
                    + labels.path("container").asText("?") + "]";
            for (JsonNode v : s.path("values")) {
                lines.add(new Line(
                        Long.parseLong(v.get(0).asText()),
                        labels.toString(),
                        prefix,
                        v.get(1).asText()));
            }
        }
        lines.sort(Comparator.comparingLong(Line::ts));
        return lines;
    }
}
