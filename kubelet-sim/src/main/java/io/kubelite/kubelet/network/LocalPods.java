package io.kubelite.kubelet.network;

import io.kubelite.kubelet.runtime.ContainerMap;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pods of this process's nodes by IP, with the current instance of each of their
 * containers: where a connection to a pod IP served here ends. A pod's entry comes with its
 * first container instance and goes when the node releases its IP; an IP given to a new pod
 * replaces the old entry.
 */
final class LocalPods {
    /** A pod on one of this process's nodes. */
    record LocalPod(String namespace, String name, String uid, String node, ContainerMap<SimContainer> containers) {}

    private final Map<String, LocalPod> byIp = new ConcurrentHashMap<>();

    void attach(String ip, String namespace, String name, String uid, String node, SimContainer c) {
        LocalPod p = byIp.compute(
                ip,
                (k, v) -> v == null || !v.uid().equals(uid)
                        ? new LocalPod(namespace, name, uid, node, new ContainerMap<>())
                        : v);
        p.containers().put(c.spec().getName(), c);
    }

    void release(String uid) {
        byIp.values().removeIf(p -> p.uid().equals(uid));
    }

    Optional<LocalPod> get(String ip) {
        return Optional.ofNullable(byIp.get(ip));
    }
}
