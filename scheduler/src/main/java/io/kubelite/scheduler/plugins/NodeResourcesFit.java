package io.kubelite.scheduler.plugins;

import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FilterPlugin;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.ResourceAmounts;
import io.kubelite.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Does the pod fit the node's allocatable cpu, memory and pod count, given the pods
 * already there (bound, and assumed by this scheduler but not yet seen bound)? Each
 * shortfall is one reason: {@code Too many pods}, {@code Insufficient cpu},
 * {@code Insufficient memory}.
 */
public final class NodeResourcesFit implements FilterPlugin {
    public static final String NAME = "NodeResourcesFit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        ResourceAmounts want = pod.request();
        // requestedPods counts the pods there (each requests 1): read beside cpu and memory
        // rather than from the node's pod map, one memory load fewer per node
        boolean tooManyPods = node.requestedPods() + 1 > node.allocatablePods();
        boolean cpu = want.milliCpu > 0 && want.milliCpu > node.allocatableMilliCpu() - node.requestedMilliCpu();
        boolean memory = want.memory > 0 && want.memory > node.allocatableMemory() - node.requestedMemory();
        if (!tooManyPods && !cpu && !memory) {
            return Status.SUCCESS; // the common case allocates nothing: this runs for every node of every cycle
        }
        List<String> reasons = new ArrayList<>(3);
        if (tooManyPods) {
            reasons.add("Too many pods");
        }
        if (cpu) {
            reasons.add("Insufficient cpu");
        }
        if (memory) {
            reasons.add("Insufficient memory");
        }
        return new Status(Status.Code.UNSCHEDULABLE, NAME, reasons);
    }
}
