package io.kubelite.scheduler.plugins;

import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.ScorePlugin;

/**
 * NodeResourcesFit's default scoring strategy: prefers the node with the most free cpu
 * and memory after placing the pod, {@code (allocatable - requested) * 100 / allocatable}
 * averaged over the two (weights 1 and 1), with non-zero requests (defaults for
 * containers that request nothing).
 */
public final class LeastAllocated implements ScorePlugin {
    public static final String NAME = "NodeResourcesLeastAllocated";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long cpu = leastRequested(
                node.nonZeroRequestedMilliCpu() + pod.nonZeroRequest().milliCpu, node.allocatableMilliCpu());
        long mem =
                leastRequested(node.nonZeroRequestedMemory() + pod.nonZeroRequest().memory, node.allocatableMemory());
        return (cpu + mem) / 2;
    }

    static long leastRequested(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * MAX_NODE_SCORE / capacity;
    }
}
