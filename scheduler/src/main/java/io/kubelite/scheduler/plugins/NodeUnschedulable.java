package io.kubelite.scheduler.plugins;

import io.kubelite.api.Taint;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FilterPlugin;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.Status;

/**
 * Rejects nodes with {@code spec.unschedulable} (cordoned), unless the pod tolerates the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin {
    public static final String NAME = "NodeUnschedulable";
    public static final String REASON = "node(s) were unschedulable";
    /** Immutable, so one instance serves every rejected node. */
    private static final Status REJECTED = Status.unresolvable(NAME, REASON);

    private static final Taint UNSCHEDULABLE_TAINT = Taint.newBuilder()
            .setKey("node.kubernetes.io/unschedulable")
            .setEffect("NoSchedule")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (!node.unschedulable()) {
            return Status.SUCCESS;
        }
        if (TaintToleration.tolerates(pod.pod().getSpec().getTolerationsList(), UNSCHEDULABLE_TAINT)) {
            return Status.SUCCESS;
        }
        return REJECTED;
    }
}
