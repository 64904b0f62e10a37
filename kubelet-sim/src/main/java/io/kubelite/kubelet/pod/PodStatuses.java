package io.kubelite.kubelet.pod;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.HostIP;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodIP;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.QosClass;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The kubelet-owned part of a pod's status (the kubelet's generateAPIPodStatus and getPhase)
 * as a pure function of the pod's spec, its pod-level facts, its containers and the clock.
 * The conditions reported before are an input because a condition's lastTransitionTime
 * moves only when its status changes. The scheduler's PodScheduled and anything else the
 * kubelet does not own is not part of the result; {@link PodStatusWriter} keeps those.
 */
final class PodStatuses {
    static final String PENDING = "Pending";
    static final String RUNNING = "Running";
    static final String SUCCEEDED = "Succeeded";
    static final String FAILED = "Failed";
    /** How the message of a pod that admission refused begins. */
    static final String REJECTED = "Pod was rejected";

    private PodStatuses() {}

    /**
     * The pod-level facts a status reports. {@code terminalPhase} is null until the pod ended
     * (Succeeded or Failed, decided by the worker: the containers' phase, a deadline, a deletion,
     * a rejection); {@code startTimeMillis} is 0 until the kubelet started the pod; empty
     * strings stand for unset.
     */
    record PodFacts(
            PodStage stage,
            boolean rejected,
            String terminalPhase,
            String reason,
            String message,
            String hostIp,
            String podIp,
            long startTimeMillis) {}

    static boolean isTerminal(String phase) {
        return phase.equals(SUCCEEDED) || phase.equals(FAILED);
    }

    /**
     * The status. A rejected pod reports only phase, reason and message (as the kubelet's
     * rejectPod); a pod not yet started reports no condition; otherwise the four owned conditions
     * are decided now. Timestamps it writes have {@code precision}.
     */
    static PodStatus generate(
            PodSpec spec,
            PodFacts pod,
            List<ContainerView> initContainers,
            List<ContainerView> containers,
            List<PodCondition> previous,
            long nowMillis,
            TimestampPrecision precision) {
        String phase = pod.terminalPhase() != null ? pod.terminalPhase() : phase(spec, initContainers, containers);
        List<PodConditions.Verdict> verdicts =
                pod.rejected() || pod.stage() == PodStage.NEW ? List.of() : verdicts(pod, initContainers, containers);
        PodStatus.Builder b = PodStatus.newBuilder()
                .setPhase(phase)
                .addAllConditions(PodConditions.apply(previous, verdicts, nowMillis, precision));
        if (!pod.reason().isEmpty()) {
            b.setReason(pod.reason());
        }
        if (!pod.message().isEmpty()) {
            b.setMessage(pod.message());
        }
        if (pod.rejected()) {
            return b.build();
        }
        b.setHostIp(pod.hostIp()).addHostIps(HostIP.newBuilder().setIp(pod.hostIp()));
        if (!pod.podIp().isEmpty()) {
            b.setPodIp(pod.podIp()).addPodIps(PodIP.newBuilder().setIp(pod.podIp()));
        }
        if (pod.startTimeMillis() > 0) {
            b.setStartTime(precision.timestamp(pod.startTimeMillis()));
        }
        for (ContainerView c : initContainers) {
            b.addInitContainerStatuses(containerStatus(c));
        }
        for (ContainerView c : containers) {
            b.addContainerStatuses(containerStatus(c));
        }
        b.setQosClass(QosClass.of(spec));
        return b.build();
    }

    /**
     * The kubelet's getPhase over the containers of a pod that has not ended: Pending until
     * every init container succeeded and while an app container waits for its first start;
     * Running while one runs; once all stopped, Succeeded if all succeeded, Failed under Never,
     * else Running (they will restart). A container waiting to restart counts as stopped.
     */
    static String phase(PodSpec spec, List<ContainerView> initContainers, List<ContainerView> containers) {
        for (ContainerView c : initContainers) {
            if (!c.succeeded()) {
                return PENDING;
            }
        }
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (ContainerView c : containers) {
            if (c.state().hasRunning()) {
                running++;
            } else if (c.state().hasTerminated()) {
                stopped++;
                if (c.state().getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (c.lastState().hasTerminated()) {
                stopped++;
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return PENDING;
        }
        if (running > 0) {
            return RUNNING;
        }
        if (stopped > 0) {
            String policy = RestartPolicy.of(spec);
            if (policy.equals(RestartPolicy.ALWAYS)) {
                return RUNNING;
            }
            if (stopped == succeeded) {
                return SUCCEEDED;
            }
            if (policy.equals(RestartPolicy.NEVER)) {
                return FAILED;
            }
            return RUNNING;
        }
        return PENDING;
    }

    private static List<PodConditions.Verdict> verdicts(
            PodFacts pod, List<ContainerView> initContainers, List<ContainerView> containers) {
        List<PodConditions.Verdict> v = new ArrayList<>();
        switch (pod.stage()) {
            case WAITING_NETWORK, WAITING_VOLUMES, FINISHED ->
                v.add(PodConditions.Verdict.of(PodConditions.READY_TO_START, false));
            case RUNNING, TERMINATING -> v.add(PodConditions.Verdict.of(PodConditions.READY_TO_START, true));
            default -> {
                // NEW and GONE: no sandbox to speak of; the condition stays as it was
            }
        }
        List<String> incomplete = new ArrayList<>();
        for (ContainerView c : initContainers) {
            if (!c.succeeded()) {
                incomplete.add(c.name());
            }
        }
        v.add(
                incomplete.isEmpty()
                        ? PodConditions.Verdict.of(PodConditions.INITIALIZED, true)
                        : new PodConditions.Verdict(
                                PodConditions.INITIALIZED,
                                false,
                                "ContainersNotInitialized",
                                "containers with incomplete status: [" + String.join(" ", incomplete) + "]"));
        List<String> unready = new ArrayList<>();
        for (ContainerView c : containers) {
            if (!c.ready()) {
                unready.add(c.name());
            }
        }
        if (pod.terminalPhase() != null) {
            v.add(new PodConditions.Verdict(PodConditions.CONTAINERS_READY, false, "PodCompleted", ""));
            v.add(new PodConditions.Verdict(PodConditions.READY, false, "PodCompleted", ""));
        } else if (unready.isEmpty()) {
            v.add(PodConditions.Verdict.of(PodConditions.CONTAINERS_READY, true));
            v.add(PodConditions.Verdict.of(PodConditions.READY, true));
        } else {
            String msg = "containers with unready status: [" + String.join(" ", unready) + "]";
            v.add(new PodConditions.Verdict(PodConditions.CONTAINERS_READY, false, "ContainersNotReady", msg));
            v.add(new PodConditions.Verdict(PodConditions.READY, false, "ContainersNotReady", msg));
        }
        return v;
    }

    private static ContainerStatus containerStatus(ContainerView c) {
        ContainerStatus.Builder b = ContainerStatus.newBuilder()
                .setName(c.name())
                .setState(c.state())
                .setLastState(c.lastState())
                .setReady(c.ready())
                .setRestartCount(c.restartCount())
                .setImage(ContainerRuntime.normalizeImage(c.image()))
                .setImageId(c.imageId())
                .setStarted(c.running() && c.started());
        if (!c.containerId().isEmpty()) {
            b.setContainerId(c.containerId());
        }
        return b.build();
    }
}
