package io.kubelite.kubelet.usage;

import java.util.List;
import java.util.Optional;

/**
 * The read side of the usage model, for a metrics endpoint: every node's and running
 * container's latest sample. Each call returns values already computed on the last tick; none
 * waits for one. Thread-safe.
 */
public interface UsageSnapshots {
    /** The nodes this process simulates, in registration order. */
    List<String> nodes();

    /** {@code node}'s latest sample; empty before its first tick or for a node not simulated here. */
    Optional<NodeSnapshot> node(String node);

    /** The latest sample of every container instance running on {@code node}. */
    List<ContainerSnapshot> containers(String node);
}
