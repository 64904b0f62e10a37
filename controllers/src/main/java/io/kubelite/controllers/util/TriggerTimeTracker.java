package io.kubelite.controllers.util;

import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.Service;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's {@code TriggerTimeTracker}: the value of the {@code
 * endpoints.kubernetes.io/last-change-trigger-time} annotation, the time of the earliest change
 * (a pod's Ready transition, a Service's creation) not yet published for a Service, so that
 * consumers can measure how long a change took to reach them. Like kube's, it may name a later
 * time when one object changed twice between two syncs. Thread-safe for different Services; one
 * Service is never synced by two workers at once (the work queue guarantees it).
 */
public final class TriggerTimeTracker {
    /** The annotation both endpoint controllers write. */
    public static final String ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private record State(Instant service, Map<String, Instant> pods) {}

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /**
     * The trigger time to publish for {@code svc} selecting {@code pods} (null: clear the
     * annotation), recording what was seen for the next call.
     */
    public Instant compute(Service svc, List<Pod> pods) {
        String key = svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName();
        State old = states.get(key);
        Map<String, Instant> podTimes = new HashMap<>();
        Instant min = null;
        for (Pod p : pods) {
            Instant t = readyTransition(p);
            if (t == null) {
                continue;
            }
            podTimes.put(p.getMetadata().getName(), t);
            Instant before = old == null ? null : old.pods().get(p.getMetadata().getName());
            if (before == null || t.isAfter(before)) {
                min = min == null || t.isBefore(min) ? t : min;
            }
        }
        Instant svcTime = Times.instant(svc.getMetadata().getCreationTimestamp());
        if (old == null || svcTime.isAfter(old.service())) {
            min = min == null || svcTime.isBefore(min) ? svcTime : min;
        }
        states.put(key, new State(svcTime, podTimes));
        return old == null ? svcTime : min;
    }

    /** Forgets a deleted Service. */
    public void forget(String namespace, String name) {
        states.remove(namespace + "/" + name);
    }

    /** Go's {@code RFC3339Nano} in UTC, as kube writes the annotation: trailing zeros of the fraction dropped. */
    public static String format(Instant t) {
        String base = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(t);
        if (t.getNano() == 0) {
            return base + "Z";
        }
        String frac = String.format("%09d", t.getNano()).replaceAll("0+$", "");
        return base + "." + frac + "Z";
    }

    private static Instant readyTransition(Pod p) {
        for (PodCondition c : p.getStatus().getConditionsList()) {
            if (c.getType().equals("Ready") && Times.isSet(c.getLastTransitionTime())) {
                return Times.instant(c.getLastTransitionTime());
            }
        }
        return null;
    }
}
