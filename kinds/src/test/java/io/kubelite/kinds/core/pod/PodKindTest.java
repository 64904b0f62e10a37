package io.kubelite.kinds.core.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStateTerminated;
import io.kubelite.api.ContainerStateWaiting;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pod kind's strategy and columns as pure functions: no server, no etcd. */
class PodKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static Pod pod(String name, Container... cs) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 125)))
                .setSpec(PodSpec.newBuilder().addAllContainers(List.of(cs)))
                .build();
    }

    private static Container c(String name) {
        return Container.newBuilder().setName(name).setImage("busybox").build();
    }

    @Test
    void createGivesAPendingStatusWhateverTheClientSent() {
        Pod in = pod("a", c("c")).toBuilder()
                .setStatus(PodStatus.newBuilder().setPhase("Running"))
                .build();
        var s = PodKind.KIND.strategy();
        Pod out = s.prepareForCreate(s.defaults(in));
        assertThat(out.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(out.getStatus().getQosClass()).isEqualTo("BestEffort");
        assertThat(out.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(out.getSpec().getEnableServiceLinks()).isTrue();
        // the default tolerations and service account are the API server's admission plugins'
        assertThat(out.getSpec().getTolerationsList()).isEmpty();
        assertThat(out.getSpec().getServiceAccountName()).isEmpty();
    }

    @Test
    void validationReportsKubesFieldPathsAndMessages() {
        Pod bad = pod(
                "Bad_Name",
                c("web"),
                c("web"),
                Container.newBuilder().setName("x").build());
        List<FieldError> errs = PodKind.KIND.validateCreate(bad);
        assertThat(errs)
                .extracting(FieldError::field)
                .containsExactly("metadata.name", "spec.containers[1].name", "spec.containers[2].image");
        assertThat(errs.get(1).message()).isEqualTo("Duplicate value: \"web\"");
        assertThat(errs.get(2).reason()).isEqualTo("FieldValueRequired");
    }

    @Test
    void anUpdateMayChangeImagesButNotCommands() {
        Pod old = pod("a", c("c"));
        Pod newImage = old.toBuilder()
                .setSpec(old.getSpec().toBuilder()
                        .setContainers(0, c("c").toBuilder().setImage("nginx")))
                .build();
        assertThat(PodKind.KIND.validateUpdate(newImage, old)).isEmpty();
        Pod newCommand = old.toBuilder()
                .setSpec(old.getSpec().toBuilder()
                        .setContainers(0, c("c").toBuilder().addCommand("sh")))
                .build();
        assertThat(PodKind.KIND.validateUpdate(newCommand, old))
                .extracting(FieldError::message)
                .containsExactly("Forbidden: " + PodStrategy.UPDATE_FORBIDDEN);
    }

    @Test
    void rowsAreKubectlsColumns() {
        Pod p = pod("web", c("a"), c("b")).toBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .addContainerStatuses(ContainerStatus.newBuilder()
                                .setName("a")
                                .setReady(true)
                                .setRestartCount(2)
                                .setState(ContainerState.newBuilder()
                                        .setRunning(ContainerStateRunning.getDefaultInstance()))
                                .setLastState(ContainerState.newBuilder()
                                        .setTerminated(ContainerStateTerminated.newBuilder()
                                                .setFinishedAt(
                                                        Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 30)))))
                        .addContainerStatuses(ContainerStatus.newBuilder()
                                .setName("b")
                                .setState(ContainerState.newBuilder()
                                        .setWaiting(ContainerStateWaiting.newBuilder()
                                                .setReason("CrashLoopBackOff")))))
                .build();
        assertThat(PodKind.KIND.row(p, NOW, false))
                .containsExactly("web", "1/2", "CrashLoopBackOff", "2 (30s ago)", "2m5s");
        assertThat(PodKind.KIND.row(p, NOW, true)).endsWith("<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void statusReasonFollowsInitContainersAndDeletion() {
        Pod init = pod("i", c("a")).toBuilder()
                .setSpec(pod("i", c("a")).getSpec().toBuilder().addInitContainers(c("setup")))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Pending")
                        .addInitContainerStatuses(ContainerStatus.newBuilder()
                                .setName("setup")
                                .setState(ContainerState.newBuilder()
                                        .setRunning(ContainerStateRunning.getDefaultInstance()))))
                .build();
        assertThat(PodStatusReason.of(init)).isEqualTo("Init:0/1");
        Pod deleting = init.toBuilder()
                .setMetadata(init.getMetadata().toBuilder()
                        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond())))
                .build();
        assertThat(PodStatusReason.of(deleting)).isEqualTo("Terminating");
    }

    private static ContainerStatus status(String name, ContainerState.Builder state, boolean ready) {
        return ContainerStatus.newBuilder()
                .setName(name)
                .setState(state)
                .setReady(ready)
                .build();
    }

    private static ContainerState.Builder terminated(int code, String reason) {
        return ContainerState.newBuilder()
                .setTerminated(
                        ContainerStateTerminated.newBuilder().setExitCode(code).setReason(reason));
    }

    private static ContainerState.Builder running() {
        return ContainerState.newBuilder().setRunning(ContainerStateRunning.getDefaultInstance());
    }

    @Test
    void statusReadyAndRestartsAsKubesPrintPod() {
        Pod twoInits = pod("i", c("a")).toBuilder()
                .setSpec(pod("i", c("a")).getSpec().toBuilder()
                        .addInitContainers(c("one"))
                        .addInitContainers(c("two")))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Pending")
                        .addInitContainerStatuses(ContainerStatus.newBuilder()
                                .setName("one")
                                .setRestartCount(1)
                                .setState(ContainerState.newBuilder()
                                        .setWaiting(ContainerStateWaiting.newBuilder()
                                                .setReason("PodInitializing"))))
                        .addInitContainerStatuses(ContainerStatus.newBuilder().setName("two")))
                .build();
        // an initializing pod counts its init containers' restarts
        assertThat(PodKind.KIND.row(twoInits, NOW, false)).containsExactly("i", "0/1", "Init:0/2", "1", "2m5s");

        Pod completed = pod("done", c("a")).toBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Succeeded")
                        .addContainerStatuses(status("a", terminated(0, "Completed"), false)))
                .build();
        assertThat(PodStatusReason.of(completed)).isEqualTo("Completed");
        // deleting a finished pod leaves it Completed, not Terminating
        Pod deletedCompleted = completed.toBuilder()
                .setMetadata(completed.getMetadata().toBuilder()
                        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond())))
                .build();
        assertThat(PodStatusReason.of(deletedCompleted)).isEqualTo("Completed");

        Pod failed = pod("f", c("a")).toBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Failed")
                        .addContainerStatuses(status("a", terminated(2, ""), false)))
                .build();
        assertThat(PodStatusReason.of(failed)).isEqualTo("ExitCode:2");

        // one container finished, one still running: Running when the pod is Ready, else NotReady
        Pod mixed = pod("m", c("a"), c("b")).toBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .addContainerStatuses(status("a", running(), true))
                        .addContainerStatuses(status("b", terminated(0, "Completed"), false)))
                .build();
        assertThat(PodKind.KIND.row(mixed, NOW, false)).containsExactly("m", "1/2", "NotReady", "0", "2m5s");
        Pod mixedReady = mixed.toBuilder()
                .setStatus(mixed.getStatus().toBuilder()
                        .addConditions(io.kubelite.api.PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus("True")))
                .build();
        assertThat(PodStatusReason.of(mixedReady)).isEqualTo("Running");

        Pod lost = mixed.toBuilder()
                .setMetadata(mixed.getMetadata().toBuilder()
                        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond())))
                .setStatus(mixed.getStatus().toBuilder().setReason("NodeLost"))
                .build();
        assertThat(PodStatusReason.of(lost)).isEqualTo("Unknown");
    }

    @Test
    void theServerSideCellsAreEveryColumnWideOnesIncluded() {
        Pod p = pod("web", c("a")).toBuilder()
                .setSpec(pod("web", c("a")).getSpec().toBuilder().setNodeName("node-1"))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setPodIp("10.0.0.5")
                        .addPodIps(io.kubelite.api.PodIP.newBuilder().setIp("10.0.0.5"))
                        .addContainerStatuses(status("a", running(), true)))
                .build();
        assertThat(PodKind.KIND.cells(p, NOW))
                .containsExactly("web", "1/1", "Running", "0", "2m5s", "10.0.0.5", "node-1", "<none>", "<none>");
        assertThat(PodKind.KIND.columns().get(0).format()).isEqualTo("name");
    }
}
