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
        ResourceAmounts alloc = node.allocatable();
        ResourceAmounts used = node.requested();
        List<String> reasons = new ArrayList<>(2);
        if (node.podCount() + 1 > alloc.pods) {
            reasons.add("Too many pods");
        }
        if (want.milliCpu > 0 && want.milliCpu > alloc.milliCpu - used.milliCpu) {
            reasons.add("Insufficient cpu");
        }
        if (want.memory > 0 && want.memory > alloc.memory - used.memory) {
            reasons.add("Insufficient memory");
        }
        if (reasons.isEmpty()) {
            return Status.SUCCESS;
        }
        return new Status(Status.Code.UNSCHEDULABLE, NAME, reasons);
    }
}
