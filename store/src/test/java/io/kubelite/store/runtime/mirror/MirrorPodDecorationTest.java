package io.kubelite.store.runtime.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.ContainerPort;
import io.kubelite.api.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A component's {@link MirrorPodDecoration} on its process's mirror pod. */
class MirrorPodDecorationTest {
    private static final MirrorPodDecoration DNS = new MirrorPodDecoration(
            Map.of("k8s-app", "kube-dns"),
            List.of(
                    new MirrorPodDecoration.Port("dns", 10053, "UDP"),
                    new MirrorPodDecoration.Port("dns-tcp", 10053, "TCP"),
                    new MirrorPodDecoration.Port("metrics", 9153, "TCP")));

    @Test
    void addsLabelsBesideComponentAndTierAndNamedContainerPorts() {
        ProcessMirrorPod source = new ProcessMirrorPod(
                "dns", "dns-0", "host", List.of("kubelite", "dns"), 9153, Instant.EPOCH, () -> true, DNS);
        Pod pod = source.desired().get(0);
        assertThat(pod.getMetadata().getName()).isEqualTo("kube-dns-dns-0");
        assertThat(pod.getMetadata().getLabelsMap())
                .containsEntry("k8s-app", "kube-dns")
                .containsEntry("component", "kube-dns")
                .containsEntry("tier", "control-plane");
        assertThat(pod.getSpec().getContainers(0).getPortsList())
                .extracting(ContainerPort::getName, ContainerPort::getContainerPort, ContainerPort::getProtocol)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dns", 10053, "UDP"),
                        org.assertj.core.groups.Tuple.tuple("dns-tcp", 10053, "TCP"),
                        org.assertj.core.groups.Tuple.tuple("metrics", 9153, "TCP"));
        assertThat(source.desired()).as("the same state gives the same pod").isEqualTo(List.of(pod));
    }

    @Test
    void withoutDecorationThePodHasNoPortsAndOnlyTheSharedLabels() {
        Pod pod = new ProcessMirrorPod("scheduler", "s-0", "host", List.of("kubelite"), 1, Instant.EPOCH, () -> true)
                .desired()
                .get(0);
        assertThat(pod.getMetadata().getLabelsMap()).containsOnlyKeys("component", "tier");
        assertThat(pod.getSpec().getContainers(0).getPortsList()).isEmpty();
    }

    @Test
    void rejectsDuplicateNamesAndBadPorts() {
        assertThatThrownBy(() -> new MirrorPodDecoration(
                        Map.of(),
                        List.of(
                                new MirrorPodDecoration.Port("a", 1, "TCP"),
                                new MirrorPodDecoration.Port("a", 2, "TCP"))))
                .hasMessageContaining("unique");
        assertThatThrownBy(() -> new MirrorPodDecoration.Port("a", 0, "TCP")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> new MirrorPodDecoration.Port("a", 1, "SCTP")).hasMessageContaining("TCP or UDP");
    }
}
