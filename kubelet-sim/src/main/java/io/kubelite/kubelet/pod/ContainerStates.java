package io.kubelite.kubelet.pod;

import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStateTerminated;
import io.kubelite.api.ContainerStateWaiting;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.runtime.ContainerRuntime;

/**
 * The container states a kubelet reports, with its reasons and messages, so that
 * {@code kubectl get pods} and {@code describe} read as on a real node: Completed/Error for
 * an exit, CrashLoopBackOff between restarts, ErrImagePull then ImagePullBackOff for an image
 * that cannot be pulled. Pure functions.
 */
final class ContainerStates {
    private ContainerStates() {}

    static ContainerState waiting(String reason, String message) {
        ContainerStateWaiting.Builder w = ContainerStateWaiting.newBuilder().setReason(reason);
        if (!message.isEmpty()) {
            w.setMessage(message);
        }
        return ContainerState.newBuilder().setWaiting(w).build();
    }

    static ContainerState running(long startedAtMillis, TimestampPrecision precision) {
        return ContainerState.newBuilder()
                .setRunning(ContainerStateRunning.newBuilder().setStartedAt(precision.timestamp(startedAtMillis)))
                .build();
    }

    /** An instance that exited: Completed for exit code 0, Error for any other (137 after a kill included). */
    static ContainerState terminated(
            int exitCode,
            long startedAtMillis,
            long finishedAtMillis,
            String containerId,
            TimestampPrecision precision) {
        return terminated(exitCode, startedAtMillis, finishedAtMillis, containerId, "", precision);
    }

    /** An instance that exited, with its termination message ({@link TerminationMessage}; none when empty). */
    static ContainerState terminated(
            int exitCode,
            long startedAtMillis,
            long finishedAtMillis,
            String containerId,
            String message,
            TimestampPrecision precision) {
        ContainerStateTerminated.Builder t = ContainerStateTerminated.newBuilder()
                .setExitCode(exitCode)
                .setReason(exitCode == 0 ? "Completed" : "Error")
                .setStartedAt(precision.timestamp(startedAtMillis))
                .setFinishedAt(precision.timestamp(finishedAtMillis))
                .setContainerId(containerId);
        if (!message.isEmpty()) {
            t.setMessage(message);
        }
        return ContainerState.newBuilder().setTerminated(t).build();
    }

    /** {@code exited} as the runtime reports an instance the kernel's OOM killer ended: reason OOMKilled. */
    static ContainerState oomKilled(ContainerState exited) {
        return exited.toBuilder()
                .setTerminated(exited.getTerminated().toBuilder().setReason("OOMKilled"))
                .build();
    }

    /** Waiting out a restart back-off; {@code backoffMillis} is simulated time (the message shows it unscaled). */
    static ContainerState crashLoopBackOff(long backoffMillis, String container, ContainerRuntime.PodRef pod) {
        return waiting(
                "CrashLoopBackOff",
                "back-off " + GoDuration.format(backoffMillis)
                        + " restarting failed container=" + container + " pod=" + pod.name() + "_" + pod.namespace()
                        + "(" + pod.uid() + ")");
    }

    /** containerd's answer for an image that is not there, with the reference as it resolved it. */
    static ContainerState errImagePull(String image) {
        String ref = ContainerRuntime.normalizeImage(image);
        return waiting(
                "ErrImagePull",
                "failed to pull and unpack image \"" + ref + "\": failed to resolve reference \"" + ref + "\": " + ref
                        + ": not found");
    }

    static ContainerState imagePullBackOff(String image) {
        return waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
    }
}
