package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.runtime.Behaviour;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pod status as a pure function: no etcd, no timers, no threads. Times are whole seconds,
 * so that the results do not depend on the millisecond precision a faster --time-scale gives
 * timestamps (a process-wide setting another test in this JVM may have made).
 */
class PodStatusesTest {
    /** Kubernetes' whole seconds, as at --time-scale 1; the times below are whole seconds too. */
    static final TimestampPrecision P = TimestampPrecision.SECONDS;

    static final long T0 = 1_700_000_000_000L;
    static final long NOW = T0 + 5_000;
    static final ContainerRuntime.PodRef REF = new ContainerRuntime.PodRef("default", "web", "uid-1", "web");
    static final String RUNNING_ID = "containerd://aaa";
    static final String IMAGE_ID = ContainerRuntime.imageId("nginx");

    // ------------------------------------------------------------------ inputs

    static PodSpec spec(String restartPolicy, Container... containers) {
        return PodSpec.newBuilder()
                .setRestartPolicy(restartPolicy)
                .addAllContainers(List.of(containers))
                .build();
    }

    static Container container(String name) {
        return Container.newBuilder().setName(name).setImage("nginx").build();
    }

    static PodStatuses.PodFacts facts(PodStage stage) {
        return new PodStatuses.PodFacts(stage, false, null, "", "", "10.0.0.1", "10.244.0.5", T0);
    }

    static PodStatuses.PodFacts ended(String phase) {
        return new PodStatuses.PodFacts(PodStage.FINISHED, false, phase, "", "", "10.0.0.1", "10.244.0.5", T0);
    }

    static ContainerView waiting(String name, String reason) {
        return new ContainerView(
                name,
                "nginx",
                ContainerStates.waiting(reason, ""),
                ContainerState.getDefaultInstance(),
                0,
                false,
                false,
                "",
                "");
    }

    static ContainerView running(String name, boolean ready) {
        return new ContainerView(
                name,
                "nginx",
                ContainerStates.running(T0 + 1_000, P),
                ContainerState.getDefaultInstance(),
                0,
                ready,
                true,
                RUNNING_ID,
                IMAGE_ID);
    }

    static ContainerView exited(String name, int code) {
        return new ContainerView(
                name,
                "nginx",
                ContainerStates.terminated(code, T0 + 1_000, T0 + 3_000, RUNNING_ID, P),
                ContainerState.getDefaultInstance(),
                0,
                false,
                false,
                RUNNING_ID,
                IMAGE_ID);
    }

    /** Between restarts: waiting in CrashLoopBackOff, the last instance's exit in lastState. */
    static ContainerView backingOff(String name, int lastExitCode, int restarts) {
        return new ContainerView(
                name,
                "nginx",
                ContainerStates.crashLoopBackOff(20_000, name, REF),
                ContainerStates.terminated(lastExitCode, T0 + 1_000, T0 + 3_000, RUNNING_ID, P),
                restarts,
                false,
                true,
                RUNNING_ID,
                IMAGE_ID);
    }

    static PodCondition cond(String type, String status, long transitionMillis) {
        return PodCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setLastTransitionTime(P.timestamp(transitionMillis))
                .build();
    }

    static PodCondition cond(PodStatus s, String type) {
        return s.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(null);
    }

    static PodStatus generate(
            PodSpec spec,
            PodStatuses.PodFacts facts,
            List<ContainerView> init,
            List<ContainerView> app,
            List<PodCondition> previous) {
        return PodStatuses.generate(spec, facts, init, app, previous, NOW, P);
    }

    // ------------------------------------------------------------------ conditions

    @Test
    void aPodNotYetStartedReportsPendingAndNoCondition() {
        PodStatuses.PodFacts fresh = new PodStatuses.PodFacts(PodStage.NEW, false, null, "", "", "10.0.0.1", "", 0);
        PodStatus s = generate(
                spec("Always", container("app")),
                fresh,
                List.of(),
                List.of(waiting("app", "ContainerCreating")),
                List.of());
        assertThat(s.getPhase()).isEqualTo("Pending");
        assertThat(s.getConditionsList()).isEmpty();
        assertThat(s.getHostIp()).isEqualTo("10.0.0.1");
        assertThat(s.getPodIp()).isEmpty();
        assertThat(s.getPodIpsList()).isEmpty();
        assertThat(s.hasStartTime()).isFalse();
        assertThat(s.getContainerStatuses(0).getState().getWaiting().getReason())
                .isEqualTo("ContainerCreating");
    }

    @Test
    void aRunningReadyPodHasTheFourKubeletConditionsTrueInTheKubeletsOrder() {
        PodStatus s = generate(
                spec("Always", container("app")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(running("app", true)),
                List.of());
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(s.getConditionsList())
                .extracting(PodCondition::getType)
                .containsExactly("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady");
        for (PodCondition c : s.getConditionsList()) {
            assertThat(c.getStatus()).as(c.getType()).isEqualTo("True");
            assertThat(c.getReason()).as(c.getType()).isEmpty();
            assertThat(c.getMessage()).as(c.getType()).isEmpty();
            assertThat(Timestamps.toMillis(c.getLastTransitionTime()))
                    .as(c.getType())
                    .isEqualTo(NOW);
            assertThat(c.hasLastProbeTime()).as(c.getType()).isFalse();
        }
        assertThat(s.getHostIp()).isEqualTo("10.0.0.1");
        assertThat(s.getHostIpsList()).extracting(h -> h.getIp()).containsExactly("10.0.0.1");
        assertThat(s.getPodIp()).isEqualTo("10.244.0.5");
        assertThat(s.getPodIpsList()).extracting(p -> p.getIp()).containsExactly("10.244.0.5");
        assertThat(Timestamps.toMillis(s.getStartTime())).isEqualTo(T0);
    }

    @Test
    void lastTransitionTimeMovesOnlyWhenAConditionsStatusChanges() {
        List<PodCondition> before = List.of(
                cond("PodReadyToStartContainers", "True", T0),
                cond("Initialized", "True", T0),
                cond("Ready", "True", T0),
                cond("ContainersReady", "True", T0));
        PodStatus same = generate(
                spec("Always", container("app")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(running("app", true)),
                before);
        assertThat(same.getConditionsList()).isEqualTo(before);

        PodStatus unready = generate(
                spec("Always", container("app")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(running("app", false)),
                same.getConditionsList());
        assertThat(Timestamps.toMillis(cond(unready, "Ready").getLastTransitionTime()))
                .isEqualTo(NOW);
        assertThat(Timestamps.toMillis(cond(unready, "ContainersReady").getLastTransitionTime()))
                .isEqualTo(NOW);
        assertThat(cond(unready, "Initialized")).isEqualTo(cond(same, "Initialized"));
        assertThat(cond(unready, "PodReadyToStartContainers")).isEqualTo(cond(same, "PodReadyToStartContainers"));
    }

    @Test
    void podScheduledAndOtherForeignConditionsAreNotTheKubeletsToReportButSurviveTheWrite() {
        PodCondition scheduled = cond("PodScheduled", "True", T0 - 10_000);
        PodCondition custom = cond("example.com/Gate", "False", T0 - 10_000);
        PodStatus mine = generate(
                spec("Always", container("app")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(running("app", true)),
                List.of(scheduled, custom, cond("Ready", "False", T0)));
        assertThat(mine.getConditionsList())
                .extracting(PodCondition::getType)
                .containsExactly("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady");

        Pod inEtcd = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web").setNamespace("default"))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Pending")
                        .setNominatedNodeName("n1")
                        .addConditions(scheduled)
                        .addConditions(cond("Ready", "False", T0))
                        .addConditions(custom))
                .build();
        PodStatus written = PodStatusWriter.merge(inEtcd, mine).getStatus();
        assertThat(written.getConditionsList())
                .containsExactly(
                        cond(mine, "PodReadyToStartContainers"),
                        cond(mine, "Initialized"),
                        cond(mine, "Ready"),
                        cond(mine, "ContainersReady"),
                        scheduled,
                        custom);
        assertThat(written.getNominatedNodeName()).isEqualTo("n1");
        assertThat(written.getPhase()).isEqualTo("Running");
    }

    @Test
    void aPreviousProcessesConditionsCarryOnAsThisProcessWritesThem() {
        PodCondition adopted = cond("Ready", "True", T0).toBuilder()
                .setLastProbeTime(P.timestamp(T0 + 1_000))
                .build();
        PodStatus s = generate(
                spec("Always", container("app")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(running("app", true)),
                List.of(adopted));
        assertThat(cond(s, "Ready").hasLastProbeTime()).isFalse();
        assertThat(Timestamps.toMillis(cond(s, "Ready").getLastTransitionTime()))
                .isEqualTo(T0);
    }

    @Test
    void waitingForThePodNetworkIsNotReadyToStartContainers() {
        PodStatuses.PodFacts noIp =
                new PodStatuses.PodFacts(PodStage.WAITING_NETWORK, false, null, "", "", "10.0.0.1", "", T0);
        PodStatus s = generate(
                spec("Always", container("app")),
                noIp,
                List.of(),
                List.of(waiting("app", "ContainerCreating")),
                List.of());
        assertThat(s.getPhase()).isEqualTo("Pending");
        assertThat(cond(s, "PodReadyToStartContainers").getStatus()).isEqualTo("False");
        assertThat(cond(s, "Initialized").getStatus()).isEqualTo("True");
        assertThat(cond(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(cond(s, "Ready").getReason()).isEqualTo("ContainersNotReady");
        assertThat(cond(s, "Ready").getMessage()).isEqualTo("containers with unready status: [app]");
        assertThat(cond(s, "ContainersReady").getReason()).isEqualTo("ContainersNotReady");
        assertThat(s.getPodIp()).isEmpty();
    }

    @Test
    void initContainersKeepThePodPendingAndNotInitializedUntilAllSucceeded() {
        PodSpec spec = spec("Always", container("app")).toBuilder()
                .addInitContainers(container("init-1"))
                .addInitContainers(container("init-2"))
                .build();
        PodStatus during = generate(
                spec,
                facts(PodStage.RUNNING),
                List.of(running("init-1", false), waiting("init-2", "PodInitializing")),
                List.of(waiting("app", "PodInitializing")),
                List.of());
        assertThat(during.getPhase()).isEqualTo("Pending");
        assertThat(cond(during, "Initialized").getStatus()).isEqualTo("False");
        assertThat(cond(during, "Initialized").getReason()).isEqualTo("ContainersNotInitialized");
        assertThat(cond(during, "Initialized").getMessage())
                .isEqualTo("containers with incomplete status: [init-1 init-2]");
        assertThat(cond(during, "Ready").getMessage()).isEqualTo("containers with unready status: [app]");
        assertThat(during.getInitContainerStatusesList())
                .extracting(ContainerStatus::getName)
                .containsExactly("init-1", "init-2");
        assertThat(during.getContainerStatuses(0).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");

        PodStatus failedInit = generate(
                spec,
                facts(PodStage.RUNNING),
                List.of(exited("init-1", 0), exited("init-2", 1)),
                List.of(waiting("app", "PodInitializing")),
                List.of());
        assertThat(failedInit.getPhase()).isEqualTo("Pending");
        assertThat(cond(failedInit, "Initialized").getMessage())
                .isEqualTo("containers with incomplete status: [init-2]");

        PodStatus after = generate(
                spec,
                facts(PodStage.RUNNING),
                List.of(exited("init-1", 0), exited("init-2", 0)),
                List.of(running("app", true)),
                List.of());
        assertThat(after.getPhase()).isEqualTo("Running");
        assertThat(cond(after, "Initialized").getStatus()).isEqualTo("True");
        assertThat(after.getInitContainerStatuses(1).getState().getTerminated().getReason())
                .isEqualTo("Completed");
    }

    @Test
    void anEndedPodIsNotReadyWithReasonPodCompletedAndNoLongerReadyToStartContainers() {
        List<PodCondition> before = List.of(
                cond("PodReadyToStartContainers", "True", T0),
                cond("Initialized", "True", T0),
                cond("Ready", "True", T0),
                cond("ContainersReady", "True", T0));
        PodStatus s = generate(
                spec("OnFailure", container("app")), ended("Succeeded"), List.of(), List.of(exited("app", 0)), before);
        assertThat(s.getPhase()).isEqualTo("Succeeded");
        assertThat(cond(s, "PodReadyToStartContainers").getStatus()).isEqualTo("False");
        assertThat(Timestamps.toMillis(cond(s, "PodReadyToStartContainers").getLastTransitionTime()))
                .isEqualTo(NOW);
        assertThat(cond(s, "Initialized")).isEqualTo(before.get(1));
        for (String type : List.of("Ready", "ContainersReady")) {
            assertThat(cond(s, type).getStatus()).as(type).isEqualTo("False");
            assertThat(cond(s, type).getReason()).as(type).isEqualTo("PodCompleted");
            assertThat(cond(s, type).getMessage()).as(type).isEmpty();
        }
        assertThat(s.getContainerStatuses(0).getState().getTerminated().getReason())
                .isEqualTo("Completed");
    }

    @Test
    void theWorkersTerminalPhaseWinsOverTheContainers() {
        PodStatuses.PodFacts deadline = new PodStatuses.PodFacts(
                PodStage.FINISHED,
                false,
                "Failed",
                "DeadlineExceeded",
                "Pod was active on the node longer than the specified deadline",
                "10.0.0.1",
                "10.244.0.5",
                T0);
        PodStatus s = generate(
                spec("Always", container("app")), deadline, List.of(), List.of(running("app", true)), List.of());
        assertThat(s.getPhase()).isEqualTo("Failed");
        assertThat(s.getReason()).isEqualTo("DeadlineExceeded");
        assertThat(s.getMessage()).isEqualTo("Pod was active on the node longer than the specified deadline");
        assertThat(cond(s, "Ready").getReason()).isEqualTo("PodCompleted");
    }

    @Test
    void aTerminatingPodStillHasItsSandboxButItsContainersAreNotReady() {
        PodStatus s = generate(
                spec("Always", container("app")),
                facts(PodStage.TERMINATING),
                List.of(),
                List.of(running("app", false)),
                List.of());
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(cond(s, "PodReadyToStartContainers").getStatus()).isEqualTo("True");
        assertThat(cond(s, "Ready").getReason()).isEqualTo("ContainersNotReady");
    }

    @Test
    void aRejectedPodReportsOnlyPhaseReasonAndMessage() {
        PodStatuses.PodFacts rejected = new PodStatuses.PodFacts(
                PodStage.FINISHED,
                true,
                "Failed",
                "OutOfcpu",
                "Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 6000, capacity: 8000",
                "10.0.0.1",
                "",
                0);
        PodStatus s = generate(
                spec("Always", container("app")),
                rejected,
                List.of(),
                List.of(waiting("app", "ContainerCreating")),
                List.of());
        assertThat(s)
                .isEqualTo(PodStatus.newBuilder()
                        .setPhase("Failed")
                        .setReason("OutOfcpu")
                        .setMessage(
                                "Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 6000, capacity: 8000")
                        .build());

        // adopted after a restart: whatever owned condition it had stays as it was
        PodCondition old = cond("Ready", "False", T0);
        assertThat(generate(spec("Always", container("app")), rejected, List.of(), List.of(), List.of(old))
                        .getConditionsList())
                .containsExactly(old);
    }

    // ------------------------------------------------------------------ phase

    @ParameterizedTest(name = "{0}, exit {1}: {2}")
    @CsvSource({
        "Always, 0, Running",
        "Always, 1, Running",
        "'', 0, Running",
        "OnFailure, 0, Succeeded",
        "OnFailure, 1, Running",
        "Never, 0, Succeeded",
        "Never, 1, Failed",
    })
    void phaseOfAPodWhoseOnlyContainerExited(String policy, int exitCode, String phase) {
        assertThat(PodStatuses.phase(spec(policy, container("c")), List.of(), List.of(exited("c", exitCode))))
                .isEqualTo(phase);
    }

    @Test
    void phaseOverSeveralContainers() {
        PodSpec never = spec("Never", container("a"), container("b"));
        PodSpec onFailure = spec("OnFailure", container("a"), container("b"));
        assertThat(PodStatuses.phase(never, List.of(), List.of(exited("a", 0), running("b", true))))
                .isEqualTo("Running");
        assertThat(PodStatuses.phase(never, List.of(), List.of(exited("a", 0), exited("b", 2))))
                .isEqualTo("Failed");
        assertThat(PodStatuses.phase(onFailure, List.of(), List.of(exited("a", 0), exited("b", 2))))
                .isEqualTo("Running");
        assertThat(PodStatuses.phase(never, List.of(), List.of(exited("a", 0), exited("b", 0))))
                .isEqualTo("Succeeded");
        assertThat(PodStatuses.phase(never, List.of(), List.of(exited("a", 0), waiting("b", "ContainerCreating"))))
                .as("a container not yet started keeps the pod Pending")
                .isEqualTo("Pending");
        assertThat(PodStatuses.phase(never, List.of(), List.of())).isEqualTo("Pending");
    }

    @Test
    void aContainerWaitingToRestartCountsAsStoppedNotAsWaiting() {
        assertThat(PodStatuses.phase(spec("Always", container("c")), List.of(), List.of(backingOff("c", 1, 3))))
                .isEqualTo("Running");
        assertThat(PodStatuses.phase(spec("OnFailure", container("c")), List.of(), List.of(backingOff("c", 1, 3))))
                .isEqualTo("Running");
    }

    @Test
    void anUnfinishedInitContainerKeepsThePodPendingWhateverTheAppContainersDo() {
        PodSpec spec = spec("Never", container("app")).toBuilder()
                .addInitContainers(container("init"))
                .build();
        assertThat(PodStatuses.phase(spec, List.of(exited("init", 1)), List.of(waiting("app", "PodInitializing"))))
                .isEqualTo("Pending");
    }

    // ------------------------------------------------------------------ container statuses

    @Test
    void aRunningContainersStatus() {
        PodStatus s = generate(
                spec("Always", container("app")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(running("app", true)),
                List.of());
        ContainerStatus cs = s.getContainerStatuses(0);
        assertThat(cs.getName()).isEqualTo("app");
        assertThat(Timestamps.toMillis(cs.getState().getRunning().getStartedAt()))
                .isEqualTo(T0 + 1_000);
        assertThat(cs.getLastState()).isEqualTo(ContainerState.getDefaultInstance());
        assertThat(cs.getReady()).isTrue();
        assertThat(cs.getStarted()).isTrue();
        assertThat(cs.getRestartCount()).isZero();
        assertThat(cs.getImage()).isEqualTo("docker.io/library/nginx:latest");
        assertThat(cs.getImageId()).isEqualTo(IMAGE_ID).startsWith("docker.io/library/nginx@sha256:");
        assertThat(cs.getContainerId()).isEqualTo(RUNNING_ID);
    }

    @Test
    void aContainerInCrashLoopBackOffShowsItsLastExitAndRestartCount() {
        PodStatus s = generate(
                spec("Always", container("c")),
                facts(PodStage.RUNNING),
                List.of(),
                List.of(backingOff("c", 1, 3)),
                List.of());
        assertThat(s.getPhase()).isEqualTo("Running");
        ContainerStatus cs = s.getContainerStatuses(0);
        assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(cs.getState().getWaiting().getMessage())
                .isEqualTo("back-off 20s restarting failed container=c pod=web_default(uid-1)");
        assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(cs.getRestartCount()).isEqualTo(3);
        assertThat(cs.getReady()).isFalse();
        assertThat(cs.getStarted())
                .as("started is reported only while the instance runs")
                .isFalse();
        assertThat(cond(s, "Ready").getMessage()).isEqualTo("containers with unready status: [c]");
    }

    @Test
    void aContainerNotYetCreatedHasNoContainerId() {
        Slot slot = new Slot(container("app"), false, Behaviour.DEFAULT, () -> new RestartBackoff(10, 100));
        ContainerView v = slot.view();
        assertThat(v.state()).isEqualTo(ContainerStates.waiting("ContainerCreating", ""));
        ContainerStatus cs = generate(
                        spec("Always", container("app")), facts(PodStage.RUNNING), List.of(), List.of(v), List.of())
                .getContainerStatuses(0);
        assertThat(cs.getContainerId()).isEmpty();
        assertThat(cs.getImageId()).isEmpty();
        assertThat(cs.getImage()).isEqualTo("docker.io/library/nginx:latest");
    }

    @Test
    void qosClassFollowsTheContainersRequestsAndLimits() {
        Container guaranteed = container("g").toBuilder()
                .setResources(
                        ResourceRequirements.newBuilder().putLimits("cpu", "1").putLimits("memory", "1Gi"))
                .build();
        Container burstable = container("b").toBuilder()
                .setResources(ResourceRequirements.newBuilder().putRequests("cpu", "100m"))
                .build();
        assertThat(generate(spec("Always", container("a")), facts(PodStage.RUNNING), List.of(), List.of(), List.of())
                        .getQosClass())
                .isEqualTo("BestEffort");
        assertThat(generate(spec("Always", guaranteed), facts(PodStage.RUNNING), List.of(), List.of(), List.of())
                        .getQosClass())
                .isEqualTo("Guaranteed");
        assertThat(generate(
                                spec("Always", guaranteed, burstable),
                                facts(PodStage.RUNNING),
                                List.of(),
                                List.of(),
                                List.of())
                        .getQosClass())
                .isEqualTo("Burstable");
    }

    // ------------------------------------------------------------------ container states and restart policy

    @Test
    void exitReasonsAreCompletedForZeroAndErrorForAnythingElse() {
        ContainerState ok = ContainerStates.terminated(0, T0, T0 + 2_000, "containerd://x", P);
        assertThat(ok.getTerminated().getReason()).isEqualTo("Completed");
        assertThat(ok.getTerminated().getContainerId()).isEqualTo("containerd://x");
        assertThat(Timestamps.toMillis(ok.getTerminated().getStartedAt())).isEqualTo(T0);
        assertThat(Timestamps.toMillis(ok.getTerminated().getFinishedAt())).isEqualTo(T0 + 2_000);
        assertThat(ContainerStates.terminated(1, T0, T0, "", P).getTerminated().getReason())
                .isEqualTo("Error");
        assertThat(ContainerStates.terminated(137, T0, T0, "", P)
                        .getTerminated()
                        .getReason())
                .as("killed")
                .isEqualTo("Error");
    }

    @Test
    void imagePullFailuresReadAsContainerdAndTheKubeletWriteThem() {
        ContainerState err = ContainerStates.errImagePull("nginx:nope");
        assertThat(err.getWaiting().getReason()).isEqualTo("ErrImagePull");
        assertThat(err.getWaiting().getMessage())
                .isEqualTo(
                        "failed to pull and unpack image \"docker.io/library/nginx:nope\": "
                                + "failed to resolve reference \"docker.io/library/nginx:nope\": docker.io/library/nginx:nope: not found");
        ContainerState backOff = ContainerStates.imagePullBackOff("nginx:nope");
        assertThat(backOff.getWaiting().getReason()).isEqualTo("ImagePullBackOff");
        assertThat(backOff.getWaiting().getMessage()).isEqualTo("Back-off pulling image \"nginx:nope\"");
        assertThat(ContainerStates.waiting("ContainerCreating", "").getWaiting().getMessage())
                .isEmpty();
    }

    @Test
    void crashLoopBackOffMessageShowsTheBackOffAsGoPrintsIt() {
        assertThat(ContainerStates.crashLoopBackOff(10_000, "c", REF)
                        .getWaiting()
                        .getMessage())
                .isEqualTo("back-off 10s restarting failed container=c pod=web_default(uid-1)");
        assertThat(ContainerStates.crashLoopBackOff(300_000, "c", REF)
                        .getWaiting()
                        .getMessage())
                .startsWith("back-off 5m0s ");
    }

    @ParameterizedTest(name = "{0}, init={1}, exit {2}: restarts={3}")
    @CsvSource({
        "Always, false, 0, true",
        "Always, false, 1, true",
        "OnFailure, false, 0, false",
        "OnFailure, false, 1, true",
        "Never, false, 1, false",
        "Always, true, 0, false",
        "Always, true, 1, true",
        "OnFailure, true, 1, true",
        "Never, true, 1, false",
    })
    void restartPolicy(String policy, boolean init, int exitCode, boolean restarts) {
        assertThat(RestartPolicy.restarts(policy, init, exitCode)).isEqualTo(restarts);
    }

    @Test
    void anUnsetRestartPolicyIsAlways() {
        assertThat(RestartPolicy.of(PodSpec.getDefaultInstance())).isEqualTo("Always");
        assertThat(RestartPolicy.of(spec("Never"))).isEqualTo("Never");
    }
}
