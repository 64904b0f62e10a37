package io.kubelite.kubelet.pod;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateTerminated;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Taking over a pod that a previous simulator process ran: kubelet-sim restarted, and the pod,
 * bound to one of its nodes, has a start time or a final phase. What that process last wrote in
 * the pod's status is all there is to know about the containers. {@link #restore} puts it back
 * into the slots; {@link #resume} lets each container go on where it was: a running instance
 * keeps running (same container ID, start time and restart count, its program replayed from its
 * start), a finished one stays finished unless the restart policy restarts it (after what is
 * left of its back-off), one that never started starts. The {@link PodWorker} does the pod-level
 * part: the IP, the deadline, the stage.
 */
final class PodAdoption {
    private PodAdoption() {}

    /** A kubelet (this process before a restart) already ran the pod: it has a start time or a final phase. */
    static boolean startedBefore(Pod pod) {
        String phase = pod.getStatus().getPhase();
        return pod.getStatus().hasStartTime() || phase.equals(PodStatuses.RUNNING) || PodStatuses.isTerminal(phase);
    }

    /** The previous process ended the pod (Succeeded or Failed): nothing of it runs again. */
    static boolean ended(PodStatus st) {
        return PodStatuses.isTerminal(st.getPhase());
    }

    /** The previous process rejected the pod at admission. */
    static boolean rejected(PodStatus st) {
        return st.getMessage().startsWith(PodStatuses.REJECTED);
    }

    /** Puts the container statuses {@code st} reports back into the slots; a container it does not report is waiting. */
    static void restore(PodContainers containers, PodStatus st) {
        String notStarted = containers.init().isEmpty() ? "ContainerCreating" : "PodInitializing";
        restore(containers.init(), st.getInitContainerStatusesList(), "PodInitializing");
        restore(containers.app(), st.getContainerStatusesList(), notStarted);
    }

    private static void restore(List<Slot> slots, List<ContainerStatus> statuses, String notStarted) {
        for (Slot s : slots) {
            for (ContainerStatus cs : statuses) {
                if (cs.getName().equals(s.name())) {
                    s.state = cs.getState();
                    s.lastState = cs.getLastState();
                    s.restartCount = cs.getRestartCount();
                    s.ready = cs.getReady();
                    s.started = cs.hasStarted() && cs.getStarted();
                    s.containerId = cs.getContainerId();
                    s.imageId = cs.getImageId();
                    s.pulled = !cs.getImageId().isEmpty();
                }
            }
            if (s.state == null) {
                s.state = ContainerStates.waiting(notStarted, "");
            }
        }
    }

    /**
     * Lets the restored containers of a running pod go on: the first init container that has
     * not succeeded, or, when all have, every app container.
     */
    static void resume(PodContainers containers, ContainerLauncher launcher, String restartPolicy) {
        List<Slot> order = new ArrayList<>();
        boolean initDone = true;
        for (Slot s : containers.init()) {
            if (!s.succeeded()) {
                order.add(s);
                initDone = false;
                break;
            }
        }
        if (initDone) {
            order.addAll(containers.app());
        }
        for (Slot s : order) {
            resume(s, launcher, restartPolicy);
        }
    }

    private static void resume(Slot s, ContainerLauncher launcher, String restartPolicy) {
        ContainerState st = s.state;
        if (st.hasRunning()) {
            launcher.resume(s);
            return;
        }
        ContainerStateTerminated last = st.hasTerminated()
                ? st.getTerminated()
                : s.lastState.hasTerminated() ? s.lastState.getTerminated() : null;
        if (last == null) {
            launcher.start(s);
            return;
        }
        long finished = Timestamps.toMillis(last.getFinishedAt());
        s.backoff().restore(s.restartCount, finished);
        boolean restart = RestartPolicy.restarts(restartPolicy, s.init, last.getExitCode());
        if (st.hasTerminated() && !restart) {
            if (s.init && last.getExitCode() == 0) {
                launcher.startNext();
            }
            return;
        }
        if (st.hasWaiting()) {
            // it was backing off: the back-off goes on from the exit in lastState
            s.state = s.lastState;
        }
        launcher.restart(s, finished, false);
    }
}
