package io.kubelite.kubelet.pod;

import io.kubelite.api.Pod;

/**
 * Graceful deletion of a pod, as the kubelet carries it out once the pod object has a
 * deletionTimestamp: probes and pending pulls or restarts stop, and every running container
 * is killed within the grace period (metadata.deletionGracePeriodSeconds, else
 * spec.terminationGracePeriodSeconds, else 30 s): its preStop hook first, then SIGTERM with the
 * rest of the grace period ({@link LifecycleHooks#kill}). A container with a
 * {@code sim.kubelite.io/termination-time} no longer than that exits 0 after it; any other is
 * killed (137), at once without one, at the end of the grace period with one. Once no container runs the pod ends (Succeeded only if every
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
    private boolean removable;

    PodTermination(PodContext pod, PodContainers containers) {
        this.pod = pod;
        this.containers = containers;
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

    /**
     * Kills every running container (preStop hook, then SIGTERM) within the deletion's grace
     * period, once nothing else can start or probe it; one still in its postStart hook too.
     */
    void stopContainers() {
        long grace = graceSeconds(pod.pod(), true);
        for (Slot s : containers.all()) {
            s.quiesce();
        }
        for (Slot s : containers.all()) {
            if (s.current != null && s.current.isRunning()) {
                pod.event(s, "Normal", "Killing", "Stopping container " + s.name());
                pod.kill(s, grace);
            }
        }
    }

    /** True once no container runs any more (nor an instance whose postStart hook was running). */
    boolean containersStopped() {
        for (Slot s : containers.all()) {
            if (s.isRunning() || (s.current != null && s.current.isRunning())) {
                return false;
            }
        }
        return true;
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
