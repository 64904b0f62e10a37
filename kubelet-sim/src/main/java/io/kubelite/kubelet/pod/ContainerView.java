package io.kubelite.kubelet.pod;

import io.kubelite.api.ContainerState;

/**
 * One container of a pod as its status reports it: the input {@link PodStatuses} takes for
 * each container. {@code state} is never null (a container not yet created is waiting in
 * ContainerCreating); {@code started} is the startup probe's verdict for the current instance,
 * reported only while that instance runs.
 */
record ContainerView(
        String name,
        String image,
        ContainerState state,
        ContainerState lastState,
        int restartCount,
        boolean ready,
        boolean started,
        String containerId,
        String imageId) {

    boolean running() {
        return state.hasRunning();
    }

    boolean succeeded() {
        return state.hasTerminated() && state.getTerminated().getExitCode() == 0;
    }
}
