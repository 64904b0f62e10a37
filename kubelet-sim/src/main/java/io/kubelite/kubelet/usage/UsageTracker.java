package io.kubelite.kubelet.usage;

import io.kubelite.api.Pod;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** Where a pod's worker reports the container instances it starts, for their usage to be simulated. */
@FunctionalInterface
public interface UsageTracker {
    /** Tracks nothing: usage is not simulated. */
    UsageTracker NONE = (pod, evict, instance, tmpfsBytes) -> {};

    /**
     * Samples {@code instance} of a container of {@code pod} until it exits, charging it
     * {@code tmpfsBytes} of memory-backed emptyDir; {@code evict} fails the pod with an eviction
     * message (the node ran short of memory).
     */
    void track(Pod pod, Consumer<String> evict, SimContainer instance, LongSupplier tmpfsBytes);
}
