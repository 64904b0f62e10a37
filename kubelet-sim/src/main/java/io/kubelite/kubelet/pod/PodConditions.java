package io.kubelite.kubelet.pod;

import io.kubelite.api.PodCondition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pod conditions the kubelet owns, in the order the kubelet writes them, with
 * lastTransitionTime moving only when a condition's status changes. lastProbeTime
 * stays unset, as the kubelet leaves it.
 */
final class PodConditions {
    static final String READY_TO_START = "PodReadyToStartContainers";
    static final String INITIALIZED = "Initialized";
    static final String READY = "Ready";
    static final String CONTAINERS_READY = "ContainersReady";
    /** Written only by the kubelet; PodScheduled (the scheduler's) and any other type are left alone. */
    static final Set<String> OWNED = Set.of(READY_TO_START, INITIALIZED, READY, CONTAINERS_READY);
    private static final List<String> ORDER = List.of(READY_TO_START, INITIALIZED, READY, CONTAINERS_READY);

    private record Cond(String status, String reason, String message, long transitionMillis) {
    }

    private final Map<String, Cond> conds = new LinkedHashMap<>();

    /** Sets a condition; returns true if anything about it changed. */
    boolean set(String type, boolean status, String reason, String message, long now) {
        String s = status ? "True" : "False";
        Cond old = conds.get(type);
        long t = old != null && old.status().equals(s) ? old.transitionMillis() : now;
        Cond c = new Cond(s, reason == null ? "" : reason, message == null ? "" : message, t);
        conds.put(type, c);
        return !c.equals(old);
    }

    /** Takes a condition as a previous simulator process wrote it. */
    void restore(PodCondition c) {
        if (OWNED.contains(c.getType())) {
            conds.put(c.getType(), new Cond(c.getStatus(), c.getReason(), c.getMessage(),
                    Timestamps.millis(c.getLastTransitionTime())));
        }
    }

    boolean isTrue(String type) {
        Cond c = conds.get(type);
        return c != null && c.status().equals("True");
    }

    List<PodCondition> toProto() {
        List<PodCondition> out = new java.util.ArrayList<>();
        for (String type : ORDER) {
            Cond c = conds.get(type);
            if (c == null) {
                continue;
            }
            PodCondition.Builder b = PodCondition.newBuilder().setType(type).setStatus(c.status())
                    .setLastTransitionTime(Timestamps.of(c.transitionMillis()));
            if (!c.reason().isEmpty()) {
                b.setReason(c.reason());
            }
            if (!c.message().isEmpty()) {
                b.setMessage(c.message());
            }
            out.add(b.build());
        }
        return out;
    }
}
