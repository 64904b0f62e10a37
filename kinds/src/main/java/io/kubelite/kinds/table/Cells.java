package io.kubelite.kinds.table;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The cell formats kubectl's printers share: {@code <none>}, ages, selectors, and the NAME and AGE columns. */
public final class Cells {
    private Cells() {}

    public static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }

    /** The age of {@code ts} at {@code now}, or {@code <unknown>} when it is unset. */
    public static String age(Timestamp ts, Instant now) {
        if (ts == null || (ts.getSeconds() == 0 && ts.getNanos() == 0)) {
            return "<unknown>";
        }
        return HumanDuration.format(Duration.between(Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()), now));
    }

    /** {@code a=b,c=d} sorted by key, or {@code <none>}. */
    public static String selector(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "<none>";
        }
        List<String> out = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> out.add(k + "=" + v));
        return String.join(",", out);
    }

    public static <T extends Message> Column<T> name(Function<T, ObjectMeta> meta) {
        return Column.of(
                "Name",
                "string",
                "Name must be unique within a namespace.",
                (o, now) -> meta.apply(o).getName());
    }

    public static <T extends Message> Column<T> age(Function<T, ObjectMeta> meta) {
        return Column.of(
                "Age",
                "string",
                "CreationTimestamp is a timestamp representing the server time when this object was created.",
                (o, now) -> age(meta.apply(o).getCreationTimestamp(), now));
    }
}
