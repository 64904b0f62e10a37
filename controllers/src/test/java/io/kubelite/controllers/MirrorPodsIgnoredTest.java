package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Endpoints;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller-manager's own mirror pod (bound to a host that is no Node, labelled
 * {@code component=kube-controller-manager}) is left alone by the pod GC (no orphan
 * collection), a ReplicaSet of 0 replicas selecting it (no adoption, no delete) and a
 * Service selecting it (no endpoint).
 */
class MirrorPodsIgnoredTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Map<String, String> LABELS = Map.of("component", "kube-controller-manager");

    @Test
    void podGcReplicaSetsAndEndpointsLeaveMirrorPodsAlone() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, "--pod-gc-period", "300ms")) {
            String name = "kube-controller-manager-cm-test";
            Pod mirror = Poll.value(
                    Duration.ofSeconds(20),
                    "the controller-manager's mirror pod",
                    () -> h.list(PodKind.RESOURCE, MirrorPods.NAMESPACE).stream()
                            .filter(p -> p.getMetadata().getName().equals(name))
                            .findFirst()
                            .orElse(null));
            assertThat(MirrorPods.isMirror(mirror)).isTrue();
            assertThat(mirror.getSpec().getNodeName()).isNotEmpty();

            ReplicaSet rs = ControllerTestObjects.replicaSet("grabby", 0).toBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setNamespace(MirrorPods.NAMESPACE)
                            .setName("grabby"))
                    .build();
            rs = rs.toBuilder()
                    .setSpec(rs.getSpec().toBuilder()
                            .setSelector(LabelSelector.newBuilder().putAllMatchLabels(LABELS))
                            .setTemplate(rs.getSpec().getTemplate().toBuilder()
                                    .setMetadata(ObjectMeta.newBuilder().putAllLabels(LABELS))))
                    .build();
            ControllerManagerUnderTest.join(h.of(ReplicaSetKind.RESOURCE).create(rs));
            ControllerManagerUnderTest.join(h.of(ServiceKind.RESOURCE)
                    .create(Service.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(MirrorPods.NAMESPACE)
                                    .setName("cm"))
                            .setSpec(ServiceSpec.newBuilder()
                                    .putAllSelector(LABELS)
                                    .addPorts(ServicePort.newBuilder().setPort(80)))
                            .build()));
            Endpoints ep = Poll.value(
                    Duration.ofSeconds(20),
                    "Endpoints of service cm",
                    () -> h.list(EndpointsKind.RESOURCE, MirrorPods.NAMESPACE).stream()
                            .filter(e -> e.getMetadata().getName().equals("cm"))
                            .findFirst()
                            .orElse(null));
            assertThat(ep.getSubsetsList()).as("no endpoint for a mirror pod").isEmpty();

            Poll.holds(Duration.ofSeconds(3), "mirror pod untouched by pod GC and the ReplicaSet", () -> {
                List<Pod> pods = h.list(PodKind.RESOURCE, MirrorPods.NAMESPACE);
                assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly(name);
                Pod p = pods.get(0);
                assertThat(p.getMetadata().getOwnerReferencesList()).isEmpty();
                assertThat(p.getMetadata().hasDeletionTimestamp()).isFalse();
            });
        }
    }
}
