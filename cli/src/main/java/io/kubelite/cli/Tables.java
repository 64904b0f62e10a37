package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.table.HumanDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * kubectl's tables: headers and rows from the kind registry's column definitions (the
 * ones the API server's Table output uses), kubectl's age format and its column layout.
 */
final class Tables {
    private final Instant now;

    Tables(Instant now) {
        this.now = now;
    }

    /** The column headers of {@code r}, upper-cased as kubectl prints them. */
    static List<String> headers(Resource<?> r, boolean wide) {
        List<String> h = new ArrayList<>();
        for (Column<?> c : Kinds.of(r).columns(wide)) {
            h.add(c.name().toUpperCase(Locale.ROOT));
        }
        return h;
    }

    /** One row of {@code o}, an object of {@code r} as the API server sent it. */
    <T extends Message> List<String> row(Resource<T> r, JsonNode o, boolean wide) {
        Kind<T> kind = Kinds.of(r);
        T obj = ApiJson.parse(o, r.prototype()).message();
        return kind.row(obj, now, wide);
    }

    /** The age of an RFC 3339 timestamp, or {@code <unknown>}. */
    String age(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        try {
            return HumanDuration.format(Duration.between(Instant.parse(timestamp), now));
        } catch (RuntimeException e) {
            return "<unknown>";
        }
    }

    /** Go's tabwriter with kubectl's settings (padding 3, left-aligned, last column unpadded). */
    static String layout(List<List<String>> rows) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] w = new int[cols];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                String c = r.get(i);
                b.append(c);
                if (i < r.size() - 1) {
                    b.append(" ".repeat(w[i] - c.length() + 3));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
