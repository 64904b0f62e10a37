package io.kubelite.controllers.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** kube's placement rules as {@link SliceReconciler} plans them: pure, no etcd. */
class SliceReconcilerTest {
    private static final Service SVC = Service.newBuilder()
            .setMetadata(ObjectMeta.newBuilder()
                    .setNamespace("default")
                    .setName("web")
                    .setUid("svc-uid"))
            .setSpec(ServiceSpec.newBuilder()
                    .setClusterIp("10.96.0.10")
                    .putSelector("app", "web")
                    .addPorts(ServicePort.newBuilder()
                            .setName("http")
                            .setPort(80)
                            .setTargetPort(Value.newBuilder().setStringValue("http"))))
            .build();
    private static final Node NODE = Node.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("n1").putLabels("topology.kubernetes.io/zone", "z1"))
            .build();
    private static final Function<String, Node> NODES = n -> n.equals("n1") ? NODE : null;

    private static Pod pod(int i, boolean ready) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(String.format("web-%03d", i))
                        .setUid("uid-" + i)
                        .putLabels("app", "web"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("n1")
                        .addContainers(Container.newBuilder()
                                .setName("c")
                                .addPorts(ContainerPort.newBuilder()
                                        .setName("http")
                                        .setContainerPort(8080))))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setPodIp("10.244." + (i / 200) + "." + (i % 200 + 1))
                        .addConditions(
                                PodCondition.newBuilder().setType("Ready").setStatus(ready ? "True" : "False")))
                .build();
    }

    private static List<Pod> pods(int from, int to) {
        List<Pod> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(pod(i, true));
        }
        return out;
    }

    /** The plan's creates as the store would keep them: named, with a uid and a resourceVersion. */
    private static List<EndpointSlice> stored(SlicePlan plan) {
        List<EndpointSlice> out = new ArrayList<>();
        for (EndpointSlice s : plan.create()) {
            String name = s.getMetadata().getGenerateName() + "s" + out.size();
            out.add(s.toBuilder()
                    .setMetadata(s.getMetadata().toBuilder()
                            .setName(name)
                            .setUid("uid-" + name)
                            .setResourceVersion("7"))
                    .build());
        }
        return out;
    }

    private static List<Integer> sizes(List<EndpointSlice> slices) {
        return slices.stream().map(EndpointSlice::getEndpointsCount).toList();
    }

    @Test
    void packsUpToTheLimitPerSlice() {
        SlicePlan plan = new SliceReconciler(100).plan(SVC, pods(0, 250), List.of(), NODES);
        assertThat(sizes(plan.create())).containsExactly(100, 100, 50);
        assertThat(plan.update()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(sizes(new SliceReconciler(10)
                        .plan(SVC, pods(0, 25), List.of(), NODES)
                        .create()))
                .containsExactly(10, 10, 5);
        EndpointSlice first = plan.create().get(0);
        assertThat(first.getMetadata().getGenerateName()).isEqualTo("web-");
        assertThat(first.getEndpoints(0).getZone()).isEqualTo("z1");
        assertThat(first.getPorts(0).getPort()).isEqualTo(8080);
    }

    @Test
    void aNewPodBesideAFullSliceGetsANewSliceAndTheFullOneIsNotRewritten() {
        SliceReconciler r = new SliceReconciler(100);
        List<EndpointSlice> existing = stored(r.plan(SVC, pods(0, 100), List.of(), NODES));
        SlicePlan plan = r.plan(SVC, pods(0, 101), existing, NODES);
        assertThat(plan.update()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(sizes(plan.create())).containsExactly(1);
        // nothing changed: nothing to write
        assertThat(r.plan(SVC, pods(0, 100), existing, NODES).isEmpty()).isTrue();
    }

    @Test
    void aReplacedPodAndAReadinessFlipUpdateTheSliceInPlace() {
        SliceReconciler r = new SliceReconciler(100);
        List<EndpointSlice> existing = stored(r.plan(SVC, pods(0, 100), List.of(), NODES));
        SlicePlan replaced = r.plan(SVC, pods(1, 101), existing, NODES);
        assertThat(replaced.create()).isEmpty();
        assertThat(replaced.delete()).isEmpty();
        assertThat(replaced.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName())
                    .isEqualTo(existing.get(0).getMetadata().getName());
            assertThat(s.getMetadata().getResourceVersion()).isEqualTo("7");
            assertThat(s.getMetadata().getGeneration()).isEqualTo(2);
            assertThat(s.getEndpointsList())
                    .extracting(e -> e.getTargetRef().getName())
                    .contains("web-100")
                    .doesNotContain("web-000")
                    .hasSize(100);
        });
        List<Pod> flipped = pods(0, 100);
        flipped.set(5, pod(5, false));
        SlicePlan flip = r.plan(SVC, flipped, existing, NODES);
        assertThat(flip.update()).singleElement().satisfies(s -> {
            Endpoint e = s.getEndpoints(5);
            assertThat(e.getTargetRef().getName()).isEqualTo("web-005");
            assertThat(e.getConditions().getReady()).isFalse();
            assertThat(e.getConditions().getServing()).isFalse();
        });
        assertThat(flip.create()).isEmpty();
    }

    @Test
    void withoutPodsTheLastSliceBecomesThePlaceholderUnderItsOwnName() {
        SliceReconciler r = new SliceReconciler(100);
        List<EndpointSlice> existing = stored(r.plan(SVC, pods(0, 3), List.of(), NODES));
        SlicePlan empty = r.plan(SVC, List.of(), existing, NODES);
        assertThat(empty.create()).isEmpty();
        assertThat(empty.delete()).isEmpty();
        assertThat(empty.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName())
                    .isEqualTo(existing.get(0).getMetadata().getName());
            assertThat(s.getEndpointsCount()).isZero();
            assertThat(s.getPortsCount()).isZero();
        });
        // a placeholder that is there already is kept as it is
        List<EndpointSlice> placeholder = stored(r.plan(SVC, List.of(), List.of(), NODES));
        assertThat(r.plan(SVC, List.of(), placeholder, NODES).isEmpty()).isTrue();
    }

    @Test
    void slicesOfAnEarlierServiceOfTheSameNameAreReplaced() {
        SliceReconciler r = new SliceReconciler(100);
        Service old = SVC.toBuilder()
                .setMetadata(SVC.getMetadata().toBuilder().setUid("old-uid"))
                .build();
        List<EndpointSlice> existing = stored(r.plan(old, pods(0, 2), List.of(), NODES));
        SlicePlan plan = r.plan(SVC, pods(0, 2), existing, NODES);
        assertThat(plan.delete())
                .extracting(s -> s.getMetadata().getName())
                .containsExactly(existing.get(0).getMetadata().getName());
        assertThat(plan.create())
                .singleElement()
                .satisfies(s -> assertThat(s.getMetadata().getOwnerReferences(0).getUid())
                        .isEqualTo("svc-uid"));
    }

    @Test
    void podsOnUnknownNodesWaitUnlessNotReadyAddressesArePublished() {
        SliceReconciler r = new SliceReconciler(100);
        Pod elsewhere = pod(1, true).toBuilder()
                .setSpec(pod(1, true).getSpec().toBuilder().setNodeName("gone"))
                .build();
        SlicePlan plan = r.plan(SVC, List.of(pod(0, true), elsewhere), List.of(), NODES);
        assertThat(plan.podsOnMissingNodes()).isTrue();
        assertThat(sizes(plan.create())).containsExactly(1);
        Service publish = SVC.toBuilder()
                .setSpec(SVC.getSpec().toBuilder().setPublishNotReadyAddresses(true))
                .build();
        SlicePlan all = r.plan(publish, List.of(pod(0, false), elsewhere), List.of(), NODES);
        assertThat(all.podsOnMissingNodes()).isFalse();
        assertThat(all.create()).singleElement().satisfies(s -> {
            assertThat(s.getEndpointsCount()).isEqualTo(2);
            // publishNotReadyAddresses: ready whatever the pod says; serving is still the pod's
            assertThat(s.getEndpoints(0).getConditions().getReady()).isTrue();
            assertThat(s.getEndpoints(0).getConditions().getServing()).isFalse();
            assertThat(s.getEndpoints(1).hasZone()).isFalse();
        });
    }
}
