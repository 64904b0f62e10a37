package io.kubelite.kinds.table;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
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

    /** kube's {@code ObjectMeta} doc of {@code name}: the NAME column's description. */
    public static final String NAME_DOC = "Name must be unique within a namespace. Is required when creating "
            + "resources, although some resources may allow a client to request the generation of an appropriate "
            + "name automatically. Name is primarily intended for creation idempotence and configuration "
            + "definition. Cannot be updated. More info: "
            + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    /** kube's {@code ObjectMeta} doc of {@code creationTimestamp}: the AGE column's description. */
    public static final String CREATION_TIMESTAMP_DOC = "CreationTimestamp is a timestamp representing the server "
            + "time when this object was created. It is not guaranteed to be set in happens-before order across "
            + "separate operations. Clients may not set this value. It is represented in RFC3339 form and is in "
            + "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
            + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    /** The NAME column (format {@code name}, as kube marks it). */
    public static <T extends Message> Column<T> name(Function<T, ObjectMeta> meta) {
        return Column.<T>of(
                        "Name", "string", NAME_DOC, (o, now) -> meta.apply(o).getName())
                .withFormat("name");
    }

    /** The AGE column: the time since the object's creation. */
    public static <T extends Message> Column<T> age(Function<T, ObjectMeta> meta) {
        return Column.of(
                "Age",
                "string",
                CREATION_TIMESTAMP_DOC,
                (o, now) -> age(meta.apply(o).getCreationTimestamp(), now));
    }

    /**
     * kube's {@code metav1.FormatLabelSelector}: the requirements sorted by key, as a label
     * selector prints ({@code a=b,c in (d,e),!f}), or {@code <none>} for an empty selector.
     */
    public static String selector(LabelSelector s) {
        TreeMap<String, List<String>> byKey = new TreeMap<>();
        s.getMatchLabelsMap()
                .forEach((k, v) ->
                        byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(k + "=" + v));
        for (LabelSelectorRequirement r : s.getMatchExpressionsList()) {
            List<String> values = new ArrayList<>(new java.util.TreeSet<>(r.getValuesList()));
            String req = switch (r.getOperator()) {
                case "In" -> r.getKey() + " in (" + String.join(",", values) + ")";
                case "NotIn" -> r.getKey() + " notin (" + String.join(",", values) + ")";
                case "Exists" -> r.getKey();
                case "DoesNotExist" -> "!" + r.getKey();
                default -> null;
            };
            if (req == null) {
                return "<error>";
            }
            byKey.computeIfAbsent(r.getKey(), x -> new ArrayList<>()).add(req);
        }
        List<String> out = new ArrayList<>();
        byKey.values().forEach(out::addAll);
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }
}
