package io.kubelite.scheduler.framework;

/**
 * Decides whether a pod may run on one node. A rejection names every unmet requirement
 * in the Status' reasons, in kube-scheduler's words.
 */
public interface FilterPlugin extends Plugin {
    Status filter(CycleState state, PodInfo pod, NodeInfo node);
}
