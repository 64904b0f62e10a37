package io.kubelite.kinds.core.pod;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import java.util.List;

/**
 * kube's {@code printPod} summary of a pod: its READY count, STATUS reason and RESTARTS, which
 * kube computes in one pass because they depend on each other (an initializing pod counts its
 * init containers' restarts and no ready containers). The phase is refined by a scheduling
 * gate, the first unfinished init container ({@code Init:0/2}, {@code Init:CrashLoopBackOff}),
 * the last container with a waiting or terminated reason ({@code CrashLoopBackOff},
 * {@code Completed}, {@code ExitCode:1}), and deletion ({@code Terminating}, or
 * {@code Unknown} for a pod on an unreachable node).
 *
 * @param ready containers ready and running
 * @param total the pod's containers
 * @param reason the STATUS column
 * @param restarts restarts counted as kube counts them
 * @param lastRestart when the last counted container last terminated, or null
 */
public record PodStatusReason(int ready, int total, String reason, int restarts, Timestamp lastRestart) {
    /** The pod's STATUS column. */
    public static String of(Pod pod) {
        return summarize(pod).reason();
    }

    /** The READY, STATUS and RESTARTS of {@code pod}, as kube's {@code printPod} computes them. */
    public static PodStatusReason summarize(Pod pod) {
        PodStatus st = pod.getStatus();
        String reason = st.getReason().isEmpty() ? st.getPhase() : st.getReason();
        for (PodCondition c : st.getConditionsList()) {
            if (c.getType().equals("PodScheduled") && c.getReason().equals("SchedulingGated")) {
                reason = "SchedulingGated";
            }
        }
        int restarts = 0;
        int ready = 0;
        Timestamp last = null;
        boolean initializing = false;
        List<ContainerStatus> inits = st.getInitContainerStatusesList();
        for (int i = 0; i < inits.size(); i++) {
            ContainerStatus c = inits.get(i);
            restarts += c.getRestartCount();
            last = later(last, c);
            ContainerState s = c.getState();
            if (s.hasTerminated() && s.getTerminated().getExitCode() == 0) {
                continue;
            }
            if (s.hasTerminated()) {
                var t = s.getTerminated();
                if (!t.getReason().isEmpty()) {
                    reason = "Init:" + t.getReason();
                } else if (t.getSignal() != 0) {
                    reason = "Init:Signal:" + t.getSignal();
                } else {
                    reason = "Init:ExitCode:" + t.getExitCode();
                }
            } else if (s.hasWaiting()
                    && !s.getWaiting().getReason().isEmpty()
                    && !s.getWaiting().getReason().equals("PodInitializing")) {
                reason = "Init:" + s.getWaiting().getReason();
            } else {
                reason = "Init:" + i + "/" + pod.getSpec().getInitContainersCount();
            }
            initializing = true;
            break;
        }
        if (!initializing || condition(st, "Initialized")) {
            // kubelite has no restartable (sidecar) init containers: only the main containers count
            restarts = 0;
            last = null;
            boolean hasRunning = false;
            List<ContainerStatus> cs = st.getContainerStatusesList();
            for (int k = cs.size() - 1; k >= 0; k--) {
                ContainerStatus c = cs.get(k);
                restarts += c.getRestartCount();
                last = later(last, c);
                ContainerState s = c.getState();
                if (s.hasWaiting() && !s.getWaiting().getReason().isEmpty()) {
                    reason = s.getWaiting().getReason();
                } else if (s.hasTerminated() && !s.getTerminated().getReason().isEmpty()) {
                    reason = s.getTerminated().getReason();
                } else if (s.hasTerminated()) {
                    var t = s.getTerminated();
                    reason = t.getSignal() != 0 ? "Signal:" + t.getSignal() : "ExitCode:" + t.getExitCode();
                } else if (c.getReady() && s.hasRunning()) {
                    hasRunning = true;
                    ready++;
                }
            }
            // a container still running: the pod is not Completed
            if (reason.equals("Completed") && hasRunning) {
                reason = condition(st, "Ready") ? "Running" : "NotReady";
            }
        }
        boolean terminal = st.getPhase().equals("Succeeded") || st.getPhase().equals("Failed");
        if (pod.getMetadata().hasDeletionTimestamp() && "NodeLost".equals(st.getReason())) {
            reason = "Unknown";
        } else if (pod.getMetadata().hasDeletionTimestamp() && !terminal) {
            reason = "Terminating";
        }
        return new PodStatusReason(ready, pod.getSpec().getContainersCount(), reason, restarts, last);
    }

    private static boolean condition(PodStatus st, String type) {
        for (PodCondition c : st.getConditionsList()) {
            if (c.getType().equals(type)) {
                return c.getStatus().equals("True");
            }
        }
        return false;
    }

    private static Timestamp later(Timestamp last, ContainerStatus c) {
        if (!c.getLastState().hasTerminated()) {
            return last;
        }
        Timestamp fin = c.getLastState().getTerminated().getFinishedAt();
        if (fin.getSeconds() == 0 && fin.getNanos() == 0) {
            return last; // Go's zero time: never "later"
        }
        if (last == null || compare(fin, last) > 0) {
            return fin;
        }
        return last;
    }

    private static int compare(Timestamp a, Timestamp b) {
        int c = Long.compare(a.getSeconds(), b.getSeconds());
        return c != 0 ? c : Integer.compare(a.getNanos(), b.getNanos());
    }
}
