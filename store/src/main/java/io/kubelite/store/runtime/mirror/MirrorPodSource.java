package io.kubelite.store.runtime.mirror;

import io.kubelite.api.Pod;
import java.util.List;

/**
 * What a {@link MirrorPodPublisher} publishes: the mirror pods one thing wants to exist now
 * (the process itself, the etcd members it sees, later add-ons).
 *
 * <p>Called on the publisher's thread once per refresh; may block briefly (bounded calls
 * only). Returns complete pods in {@code kube-system} without {@code uid},
 * {@code creationTimestamp} or condition transition times, which the publisher keeps
 * stable itself ({@link MirrorPodMerge}). The same state must give the same pod, so that
 * an unchanged pod is never rewritten and several publishers of one pod agree.
 */
@FunctionalInterface
public interface MirrorPodSource {
    List<Pod> desired() throws Exception;
}
