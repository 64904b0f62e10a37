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
import io.kubelite.api.Toleration;
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
        assertThat(out.getSpec().getTolerationsList())
                .extracting(Toleration::getKey)
                .contains("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable");
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
}
