package io.kubelite.kubelet.pod;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.PodCondition;
import io.kubelite.kubelet.clock.TimestampPrecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pod conditions the kubelet owns, in the order the kubelet writes them, with
 * lastTransitionTime moving only when a condition's status changes. lastProbeTime
 * stays unset, as the kubelet leaves it. Pure functions: what was reported before is an input.
 */
final class PodConditions {
    static final String READY_TO_START = "PodReadyToStartContainers";
    static final String INITIALIZED = "Initialized";
    static final String READY = "Ready";
    static final String CONTAINERS_READY = "ContainersReady";
    /** Written only by the kubelet; PodScheduled (the scheduler's) and any other type are left alone. */
    static final Set<String> OWNED = Set.of(READY_TO_START, INITIALIZED, READY, CONTAINERS_READY);

    private static final List<String> ORDER = List.of(READY_TO_START, INITIALIZED, READY, CONTAINERS_READY);

    private PodConditions() {}

    /** What the kubelet says about one condition now. */
    record Verdict(String type, boolean status, String reason, String message) {
        static Verdict of(String type, boolean status) {
            return new Verdict(type, status, "", "");
        }
    }

    /**
     * The owned conditions after {@code verdicts} at {@code nowMillis}: each verdict replaces
     * its type, keeping the previous lastTransitionTime when the status is the same; owned
     * conditions without a verdict stay as they were (a previous process's included).
     * Conditions of other types in {@code previous} are dropped. Transition times are
     * written at {@code precision}.
     */
    static List<PodCondition> apply(
            List<PodCondition> previous, List<Verdict> verdicts, long nowMillis, TimestampPrecision precision) {
        Map<String, PodCondition> byType = new HashMap<>();
        for (PodCondition c : previous) {
            if (OWNED.contains(c.getType())) {
                byType.put(c.getType(), c);
            }
        }
        for (Verdict v : verdicts) {
            String status = v.status() ? "True" : "False";
            PodCondition old = byType.get(v.type());
            long t = old != null && old.getStatus().equals(status)
                    ? Timestamps.toMillis(old.getLastTransitionTime())
                    : nowMillis;
            byType.put(v.type(), condition(v.type(), status, v.reason(), v.message(), t, precision));
        }
        List<PodCondition> out = new ArrayList<>();
        for (String type : ORDER) {
            PodCondition c = byType.get(type);
            if (c != null) {
                // rebuilt so that a previous process's condition reads as this process writes one
                out.add(condition(
                        type,
                        c.getStatus(),
                        c.getReason(),
                        c.getMessage(),
                        Timestamps.toMillis(c.getLastTransitionTime()),
                        precision));
            }
        }
        return out;
    }

    private static PodCondition condition(
            String type,
            String status,
            String reason,
            String message,
            long transitionMillis,
            TimestampPrecision precision) {
        PodCondition.Builder b = PodCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setLastTransitionTime(precision.timestamp(transitionMillis));
        if (reason != null && !reason.isEmpty()) {
            b.setReason(reason);
        }
        if (message != null && !message.isEmpty()) {
            b.setMessage(message);
        }
        return b.build();
    }
}
