package io.kubelite.logstore.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks an {@link IngestRequest} and turns it into {@link StreamBatch}es, or rejects the whole
 * request with a message naming the bad field ({@code streams[2].lines[7].ts: ...}), so that a
 * bad request stores nothing.
 *
 * <p>Stream labels: the pod's labels with every character outside {@code [a-zA-Z0-9_]} replaced
 * by {@code _} (so {@code app.kubernetes.io/name} is queried as {@code app_kubernetes_io_name}, as
 * Prometheus and Promtail do), then {@code namespace}, {@code pod}, {@code container},
 * {@code node} and {@code stream}, which win over pod labels of the same name.
 */
public final class IngestValidator {
    /** The labels every stream carries; pod labels cannot override them. */
    public static final Set<String> RESERVED_LABELS = Set.of("namespace", "pod", "container", "node", "stream");

    private static final Pattern INVALID_LABEL_CHARS = Pattern.compile("[^a-zA-Z0-9_]");

    /** The batches of a valid request, in request order. */
    public List<StreamBatch> validate(IngestRequest req) {
        if (req == null || req.streams() == null) {
            throw new IllegalArgumentException("streams: required");
        }
        List<StreamBatch> out = new ArrayList<>(req.streams().size());
        for (int i = 0; i < req.streams().size(); i++) {
            out.add(stream("streams[" + i + "]", req.streams().get(i)));
        }
        return out;
    }

    private static StreamBatch stream(String at, IngestRequest.Stream s) {
        if (s == null) {
            throw new IllegalArgumentException(at + ": must be an object");
        }
        String ns = required(at + ".namespace", s.namespace());
        String pod = required(at + ".pod", s.pod());
        String uid = required(at + ".podUID", s.podUID());
        String container = required(at + ".container", s.container());
        String node = required(at + ".node", s.node());
        String stream = required(at + ".stream", s.stream());
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new IllegalArgumentException(at + ".stream: must be stdout or stderr, got \"" + stream + "\"");
        }
        int restarts = s.restartCount() == null ? 0 : s.restartCount();
        if (restarts < 0) {
            throw new IllegalArgumentException(at + ".restartCount: must not be negative, got " + restarts);
        }
        Map<String, String> labels = new TreeMap<>();
        if (s.podLabels() != null) {
            s.podLabels().forEach((k, v) -> {
                // an empty value means "no such label" in selectors, as in Loki: not stored at all
                if (k != null && !k.isEmpty() && v != null && !v.isEmpty()) {
                    labels.put(labelName(k), v);
                }
            });
        }
        labels.put("namespace", ns);
        labels.put("pod", pod);
        labels.put("container", container);
        labels.put("node", node);
        labels.put("stream", stream);

        List<IngestRequest.Line> lines = s.lines() == null ? List.of() : s.lines();
        Integer[] order = new Integer[lines.size()];
        long[] ts = new long[lines.size()];
        long[] seq = new long[lines.size()];
        for (int j = 0; j < lines.size(); j++) {
            String lat = at + ".lines[" + j + "]";
            IngestRequest.Line l = lines.get(j);
            if (l == null) {
                throw new IllegalArgumentException(lat + ": must be an object");
            }
            if (l.seq() == null || l.seq() < 0) {
                throw new IllegalArgumentException(lat + ".seq: required, a non-negative integer");
            }
            if (l.line() == null) {
                throw new IllegalArgumentException(lat + ".line: required");
            }
            ts[j] = timestamp(lat + ".ts", l.ts());
            seq[j] = l.seq();
            order[j] = j;
        }
        // an agent sends in order; sorting makes a shuffled batch store the same lines
        Arrays.sort(order, Comparator.comparingLong(j -> seq[j]));
        long[] sortedTs = new long[order.length];
        long[] sortedSeq = new long[order.length];
        String[] sortedLines = new String[order.length];
        for (int k = 0; k < order.length; k++) {
            sortedTs[k] = ts[order[k]];
            sortedSeq[k] = seq[order[k]];
            sortedLines[k] = lines.get(order[k]).line();
        }
        return new StreamBatch(
                new InstanceKey(uid, container, restarts, stream),
                Map.copyOf(labels),
                sortedTs,
                sortedSeq,
                sortedLines);
    }

    /** Prometheus-style label name: invalid characters become {@code _}, a leading digit gets a {@code _}. */
    static String labelName(String k) {
        String n = INVALID_LABEL_CHARS.matcher(k).replaceAll("_");
        return Character.isDigit(n.charAt(0)) ? "_" + n : n;
    }

    private static String required(String at, String v) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(at + ": required");
        }
        return v;
    }

    /** Unix nanoseconds as a decimal string, or RFC 3339 with up to nine fraction digits. */
    static long timestamp(String at, String v) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(at + ": required");
        }
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + ": " + v + " is out of range for Unix nanoseconds");
            }
        }
        try {
            Instant i = OffsetDateTime.parse(v).toInstant();
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    at + ": \"" + v + "\" is neither Unix nanoseconds nor an RFC 3339 timestamp");
        }
    }
}
