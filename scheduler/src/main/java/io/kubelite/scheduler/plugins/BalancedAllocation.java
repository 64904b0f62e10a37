package io.kubelite.scheduler.plugins;

import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.ScorePlugin;

/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in
 * equal proportion after placing the pod: {@code (1 - std) * 100} where std is the
 * standard deviation of the two utilisation fractions (each capped at 1), computed on
 * actual requests as kube-scheduler does.
 */
public final class BalancedAllocation implements ScorePlugin {
    public static final String NAME = "NodeResourcesBalancedAllocation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long cpuCap = node.allocatableMilliCpu();
        long memCap = node.allocatableMemory();
        if (cpuCap == 0 || memCap == 0) {
            // a resource the node has none of is left out; one fraction alone is perfectly balanced
            return MAX_NODE_SCORE;
        }
        double cpu = fraction(node.requestedMilliCpu() + pod.request().milliCpu, cpuCap);
        double mem = fraction(node.requestedMemory() + pod.request().memory, memCap);
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }

    private static double fraction(long requested, long capacity) {
        return Math.min(1.0, (double) requested / capacity);
    }
}
