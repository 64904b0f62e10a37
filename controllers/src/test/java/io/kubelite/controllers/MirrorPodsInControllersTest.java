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
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
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
 * collection) and a ReplicaSet of 0 replicas selecting it (no adoption, no delete); a
 * Service naming its labels gets it as an endpoint, as kube's endpoint controllers publish
 * mirror pods (that is how the kube-dns Service reaches the DNS process), and a Service of
 * another namespace or another selector does not.
 */
class MirrorPodsInControllersTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Map<String, String> LABELS = Map.of("component", "kube-controller-manager");

    @Test
    void podGcAndReplicaSetsLeaveMirrorPodsAloneAndOnlyAServiceNamingThemSelectsThem() throws Exception {
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
            ControllerManagerUnderTest.join(
                    h.of(ServiceKind.RESOURCE).create(service(MirrorPods.NAMESPACE, "cm", LABELS)));
            // the same selector in another namespace, and another selector in kube-system
            ControllerManagerUnderTest.join(h.of(ServiceKind.RESOURCE).create(service("default", "cm", LABELS)));
            ControllerManagerUnderTest.join(h.of(ServiceKind.RESOURCE)
                    .create(service(MirrorPods.NAMESPACE, "web", Map.of("tier", "control-plane", "app", "web"))));
            Endpoints ep = Poll.value(
                    Duration.ofSeconds(20),
                    "Endpoints kube-system/cm listing the mirror pod at 127.0.0.1:80",
                    () -> endpoints(h, MirrorPods.NAMESPACE, "cm")
                            .filter(e ->
                                    e.getSubsetsCount() == 1 && e.getSubsets(0).getAddressesCount() == 1)
                            .orElse(null));
            assertThat(ep.getSubsets(0).getAddresses(0).getIp()).isEqualTo("127.0.0.1");
            assertThat(ep.getSubsets(0).getAddresses(0).getTargetRef().getName())
                    .isEqualTo(name);
            assertThat(ep.getSubsets(0).getPorts(0).getPort()).isEqualTo(80);
            EndpointSlice slice = Poll.value(
                    Duration.ofSeconds(20),
                    "an EndpointSlice of kube-system/cm with the mirror pod (its node is a host, not a Node)",
                    () -> h.list(EndpointSliceKind.RESOURCE, MirrorPods.NAMESPACE).stream()
                            .filter(s ->
                                    "cm".equals(s.getMetadata().getLabelsMap().get("kubernetes.io/service-name")))
                            .filter(s -> s.getEndpointsCount() == 1)
                            .findFirst()
                            .orElse(null));
            assertThat(slice.getEndpoints(0).getAddressesList()).containsExactly("127.0.0.1");
            assertThat(slice.getEndpoints(0).getConditions().getReady()).isTrue();
            for (String[] other : new String[][] {{"default", "cm"}, {MirrorPods.NAMESPACE, "web"}}) {
                Endpoints none = Poll.value(
                        Duration.ofSeconds(20),
                        "Endpoints " + other[0] + "/" + other[1],
                        () -> endpoints(h, other[0], other[1]).orElse(null));
                assertThat(none.getSubsetsList())
                        .as("no endpoint in %s/%s, whose selector does not name the mirror pod", other[0], other[1])
                        .isEmpty();
            }

            Poll.holds(Duration.ofSeconds(3), "mirror pod untouched by pod GC and the ReplicaSet", () -> {
                List<Pod> pods = h.list(PodKind.RESOURCE, MirrorPods.NAMESPACE);
                assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly(name);
                Pod p = pods.get(0);
                assertThat(p.getMetadata().getOwnerReferencesList()).isEmpty();
                assertThat(p.getMetadata().hasDeletionTimestamp()).isFalse();
            });
        }
    }

    private static Service service(String namespace, String name, Map<String, String> selector) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
                .setSpec(ServiceSpec.newBuilder()
                        .putAllSelector(selector)
                        .addPorts(ServicePort.newBuilder().setPort(80)))
                .build();
    }

    private static java.util.Optional<Endpoints> endpoints(ControllerManagerUnderTest h, String ns, String name) {
        return h.list(EndpointsKind.RESOURCE, ns).stream()
                .filter(e -> e.getMetadata().getName().equals(name))
                .findFirst();
    }
}
