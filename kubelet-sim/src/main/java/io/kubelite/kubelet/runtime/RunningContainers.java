package io.kubelite.kubelet.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current instance of every container on this process's nodes, by pod and container
 * name: what {@code exec} and {@code attach} reach. A new instance replaces the previous
 * one; a pod's entries go when the pod object goes.
 */
public final class RunningContainers {
    private record PodContainers(String uid, ContainerMap<SimContainer> containers) {}

    private final Map<String, PodContainers> pods = new ConcurrentHashMap<>();

    private static String key(String namespace, String pod) {
        // interned: the same key string as the runtime's other per-pod maps, not one copy each
        return (namespace + "/" + pod).intern();
    }

    void put(String namespace, String pod, String uid, String container, SimContainer instance) {
        PodContainers p = pods.compute(
                key(namespace, pod),
                (k, v) -> v == null || !v.uid().equals(uid) ? new PodContainers(uid, new ContainerMap<>()) : v);
        p.containers().put(container, instance);
    }

    /** The current instance of the container, running or not; empty when it never started. */
    public Optional<SimContainer> get(String namespace, String pod, String container) {
        PodContainers p = pods.get(key(namespace, pod));
        return p == null ? Optional.empty() : Optional.ofNullable(p.containers().get(container));
    }

    public boolean hasPod(String namespace, String pod) {
        return pods.containsKey(key(namespace, pod));
    }

    public void removePod(String namespace, String pod, String uid) {
        pods.computeIfPresent(key(namespace, pod), (k, v) -> v.uid().equals(uid) ? null : v);
    }
}
