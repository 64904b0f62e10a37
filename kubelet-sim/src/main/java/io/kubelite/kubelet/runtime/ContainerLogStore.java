package io.kubelite.kubelet.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs of every container on this process's nodes, by pod and container: the current
 * instance and the previous one (what {@code kubectl logs --previous} shows). A pod's
 * logs go when the pod object goes.
 */
public final class ContainerLogStore {
    // the current instance's log per container; it links to the previous instance's
    // (ContainerLog.previous), which saved a two-element array per container
    private record PodLogs(String uid, ContainerMap<ContainerLog> containers) {}

    private final Map<String, PodLogs> pods = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier clock;

    public ContainerLogStore(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    private static String key(String namespace, String pod) {
        // interned: the same key string as the runtime's other per-pod maps, not one copy each
        return (namespace + "/" + pod).intern();
    }

    /** Starts the log of a new instance of {@code container}; the current one becomes the previous. */
    public ContainerLog newInstance(String namespace, String pod, String uid, String container) {
        PodLogs p = pods.compute(
                key(namespace, pod),
                (k, v) -> v == null || !v.uid().equals(uid) ? new PodLogs(uid, new ContainerMap<>()) : v);
        ContainerLog log = new ContainerLog(clock);
        p.containers().compute(container, current -> {
            if (current != null) {
                current.previous = null; // only one previous instance is kept
            }
            log.previous = current;
            return log;
        });
        return log;
    }

    /** The current or previous instance's log. */
    public Optional<ContainerLog> get(String namespace, String pod, String container, boolean previous) {
        PodLogs p = pods.get(key(namespace, pod));
        if (p == null) {
            return Optional.empty();
        }
        ContainerLog current = p.containers().get(container);
        if (current == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(previous ? current.previous : current);
    }

    public boolean hasPod(String namespace, String pod) {
        return pods.containsKey(key(namespace, pod));
    }

    public void removePod(String namespace, String pod, String uid) {
        pods.computeIfPresent(key(namespace, pod), (k, v) -> v.uid().equals(uid) ? null : v);
        // close logs so followers end
    }
}
