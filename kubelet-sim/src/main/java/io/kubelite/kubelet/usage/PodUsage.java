package io.kubelite.kubelet.usage;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One pod's running container instances on a node, and how the node's eviction manager fails
 * it ({@code evict}, given the eviction message). Thread-safe.
 */
final class PodUsage {
    /** What ranking needs of the pod, not the object: a worker's pod is replaced on every status write. */
    private final String key;

    private final int priority;
    private final Consumer<String> evict;
    private final long memoryRequestBytes;
    /**
     * Copy on write, swapped under the monitor: one or two containers, changed when an instance
     * starts or exits. An immutable list rather than a CopyOnWriteArrayList, which took its lock
     * object and an array of its own besides (some 40 bytes of every pod).
     */
    private volatile List<ContainerUsage> containers = List.of();

    private volatile boolean evicted;

    PodUsage(Pod pod, Consumer<String> evict) {
        // interned: the same string as the pod's key in the workers' and runtime's maps
        this.key = (pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()).intern();
        this.priority = pod.getSpec().hasPriority() ? pod.getSpec().getPriority() : 0;
        this.evict = evict;
        long r = 0;
        for (Container c : pod.getSpec().getContainersList()) {
            r += EffectiveRequests.memoryBytes(c);
        }
        this.memoryRequestBytes = r;
    }

    String key() {
        return key;
    }

    /** The pod's priority (0 unless set), the eviction manager's second criterion. */
    int priority() {
        return priority;
    }

    /** The sum of its app containers' memory requests. */
    long memoryRequestBytes() {
        return memoryRequestBytes;
    }

    /** The working set of its running containers as of their last samples. */
    long workingSetBytes() {
        long n = 0;
        for (ContainerUsage c : containers) {
            n += c.workingSetBytes();
        }
        return n;
    }

    /** A snapshot of its running containers' usage. */
    List<ContainerUsage> containers() {
        return containers;
    }

    synchronized void add(ContainerUsage c) {
        List<ContainerUsage> next = new ArrayList<>(containers.size() + 1);
        next.addAll(containers);
        next.add(c);
        containers = List.copyOf(next);
    }

    /** Removes {@code c}; true when no container of the pod runs any more. */
    synchronized boolean remove(ContainerUsage c) {
        List<ContainerUsage> next = new ArrayList<>(containers);
        next.remove(c);
        containers = next.isEmpty() ? List.of() : List.copyOf(next);
        return containers.isEmpty();
    }

    boolean evicted() {
        return evicted;
    }

    /** Fails the pod with {@code message}, once, on {@code executor}; it counts as evicted from now. */
    void evict(String message, Consumer<Runnable> executor) {
        if (!evicted) {
            evicted = true;
            executor.accept(() -> evict.accept(message));
        }
    }
}
