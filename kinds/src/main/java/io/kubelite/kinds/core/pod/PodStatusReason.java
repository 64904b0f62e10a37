package io.kubelite.kinds.core.pod;

import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import java.util.List;

/** kubectl's pod STATUS column ({@code printPod}): the phase, refined by container states and deletion. */
public final class PodStatusReason {
    private PodStatusReason() {}

    public static String of(Pod pod) {
        var st = pod.getStatus();
        String reason = st.getReason().isEmpty() ? st.getPhase() : st.getReason();
        int initTotal = pod.getSpec().getInitContainersCount();
        int i = 0;
        boolean initializing = false;
        for (ContainerStatus c : st.getInitContainerStatusesList()) {
            ContainerState s = c.getState();
            if (s.hasTerminated() && s.getTerminated().getExitCode() == 0) {
                i++;
                continue;
            }
            initializing = true;
            if (s.hasTerminated()) {
                var t = s.getTerminated();
                reason = "Init:" + (t.getReason().isEmpty() ? "ExitCode:" + t.getExitCode() : t.getReason());
            } else if (s.hasWaiting()
                    && !s.getWaiting().getReason().isEmpty()
                    && !s.getWaiting().getReason().equals("PodInitializing")) {
                reason = "Init:" + s.getWaiting().getReason();
            } else {
                reason = "Init:" + i + "/" + initTotal;
            }
            break;
        }
        if (!initializing) {
            boolean hasRunning = false;
            List<ContainerStatus> cs = st.getContainerStatusesList();
            for (int k = cs.size() - 1; k >= 0; k--) {
                ContainerStatus c = cs.get(k);
                ContainerState s = c.getState();
                if (s.hasWaiting() && !s.getWaiting().getReason().isEmpty()) {
                    reason = s.getWaiting().getReason();
                } else if (s.hasTerminated()) {
                    var t = s.getTerminated();
                    if (!t.getReason().isEmpty()) {
                        reason = t.getReason();
                    } else if (t.getSignal() != 0) {
                        reason = "Signal:" + t.getSignal();
                    } else {
                        reason = "ExitCode:" + t.getExitCode();
                    }
                } else if (c.getReady() && s.hasRunning()) {
                    hasRunning = true;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = "Running";
            }
        }
        if (pod.getMetadata().hasDeletionTimestamp()) {
            reason = "NodeLost".equals(st.getReason()) ? "Unknown" : "Terminating";
        }
        return reason;
    }
}
