package io.kubelite.kubelet.pod;

import io.kubelite.api.Pod;
import io.kubelite.kubelet.clock.TimeScale;

/**
 * Graceful deletion of a pod, as the kubelet carries it out once the pod object has a
 * deletionTimestamp: probes and pending pulls or restarts stop, and every running container
 * gets SIGTERM and the grace period (metadata.deletionGracePeriodSeconds, else
 * spec.terminationGracePeriodSeconds, else 30 s). A container with a
 * {@code sim.kubelite.io/termination-time} no longer than the grace period exits 0 after it;
 * any other is killed (137), at once without one, at the end of the grace period with one.
 * PreStop hooks are not simulated. Once no container runs the pod ends (Succeeded only if every
 * app container had succeeded) and its object may be removed: {@link PodStatusWriter} writes the
 * final status, then deletes the object with a compare on its uid.
 *
 * <p>The {@link PodWorker} moves the pod through its stages and asks this class what a deletion
 * does to the containers. Called with the pod's lock held.
 */
final class PodTermination {
    private static final long DEFAULT_GRACE_SECONDS = 30;

    private final PodContext pod;
    private final PodContainers containers;
    private final TimeScale scale;
    private boolean removable;

    PodTermination(PodContext pod, PodContainers containers, TimeScale scale) {
        this.pod = pod;
        this.containers = containers;
        this.scale = scale;
    }

    /** The grace period of a kill: the deletion's when deleting, else the spec's, else 30 s. */
    static long graceSeconds(Pod pod, boolean deleting) {
        if (deleting && pod.getMetadata().hasDeletionGracePeriodSeconds()) {
            return pod.getMetadata().getDeletionGracePeriodSeconds();
        }
        return pod.getSpec().hasTerminationGracePeriodSeconds()
                ? pod.getSpec().getTerminationGracePeriodSeconds()
                : DEFAULT_GRACE_SECONDS;
    }

    /** Sends every running container SIGTERM with the deletion's grace period, once nothing else can start or probe it. */
    void stopContainers() {
        long grace = scale.millisOfSeconds(graceSeconds(pod.pod(), true));
        for (Slot s : containers.all()) {
            s.quiesce();
        }
        for (Slot s : containers.all()) {
            if (s.current != null && s.isRunning()) {
                pod.event(s, "Normal", "Killing", "Stopping container " + s.name());
                s.current.stop(grace);
            }
        }
    }

    /** True once no container runs any more. */
    boolean containersStopped() {
        return !containers.anyRunning();
    }

    /** The phase of a pod deleted before it ended by itself. */
    String phaseOfDeleted() {
        return containers.appsSucceeded() ? PodStatuses.SUCCEEDED : PodStatuses.FAILED;
    }

    /** The deleted pod is done with: its object may be removed. */
    void allowRemoval() {
        removable = true;
    }

    boolean removable() {
        return removable;
    }
}
