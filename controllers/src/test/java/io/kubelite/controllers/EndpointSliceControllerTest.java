package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.EndpointAddress;
import io.kubelite.api.Endpoints;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.controllers.util.TriggerTimeTracker;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The EndpointSlice controller against real etcd, next to the Endpoints controller it mirrors:
 * conditions, labels, owner and trigger time; slices of at most 100; one slice per resolved port
 * set; in-place updates; cleanup with the Service; user slices left alone.
 */
class EndpointSliceControllerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    private static final String SERVICE_NAME = "kubernetes.io/service-name";

    /** Polls {@code done}; a failure shows the message built last (the expectation and what was seen). */
    private static void await(Duration timeout, Supplier<String> expectedAndSeen, BooleanSupplier done) {
        Poll.until(
                timeout, "the expected state", () -> done.getAsBoolean() ? "" : expectedAndSeen.get(), String::isEmpty);
    }

    private static ControllerManagerUnderTest manager() throws Exception {
        return new ControllerManagerUnderTest(ETCD, "--controllers", "endpoint,endpointslice,garbagecollector");
    }

    private static void node(ControllerManagerUnderTest h, String name, String zone) {
        h.join(h.of(NodeKind.RESOURCE)
                .create(ControllerManagerUnderTest.readyNode(name, Map.of("topology.kubernetes.io/zone", zone))));
    }

    private static Service service(String name, Map<String, String> selector, String targetPort) {
        ServiceSpec.Builder spec = ServiceSpec.newBuilder()
                .setClusterIp("10.96.0.50")
                .putAllSelector(selector)
                .addPorts(ServicePort.newBuilder()
                        .setName("http")
                        .setPort(80)
                        .setProtocol("TCP")
                        .setTargetPort(Value.newBuilder().setStringValue(targetPort)));
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putLabels("tier", "front"))
                .setSpec(spec)
                .build();
    }

    private static Pod pod(String name, String app, String ip, int httpPort, boolean ready) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putLabels("app", app))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("n1")
                        .addContainers(Container.newBuilder()
                                .setName("c")
                                .addPorts(ContainerPort.newBuilder()
                                        .setName("http")
                                        .setContainerPort(httpPort)
                                        .setProtocol("TCP"))))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setPodIp(ip)
                        .addConditions(PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus(ready ? "True" : "False")
                                .setLastTransitionTime(Times.nowSeconds())))
                .build();
    }

    private static List<EndpointSlice> slicesOf(ControllerManagerUnderTest h, String service) {
        return h.list(EndpointSliceKind.RESOURCE, "default").stream()
                .filter(s -> service.equals(s.getMetadata().getLabelsMap().get(SERVICE_NAME)))
                .filter(s -> s.getMetadata().getLabelsMap().containsKey(MANAGED_BY))
                .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
                .toList();
    }

    /** Every endpoint of the Service's managed slices by pod name, rendered as ready/serving/terminating. */
    private static Map<String, String> conditions(ControllerManagerUnderTest h, String service) {
        Map<String, String> out = new TreeMap<>();
        for (EndpointSlice s : slicesOf(h, service)) {
            for (Endpoint e : s.getEndpointsList()) {
                out.put(
                        e.getTargetRef().getName(),
                        e.getConditions().getReady() + "/" + e.getConditions().getServing() + "/"
                                + e.getConditions().getTerminating());
            }
        }
        return out;
    }

    private static String describe(List<EndpointSlice> slices) {
        return slices.stream()
                .map(s -> s.getMetadata().getName() + " ports="
                        + s.getPortsList().stream()
                                .map(p -> p.getName() + ":" + p.getPort())
                                .toList()
                        + " endpoints="
                        + s.getEndpointsList().stream()
                                .map(e -> e.getTargetRef().getName())
                                .toList())
                .collect(Collectors.joining("; "));
    }

    private static void setReady(ControllerManagerUnderTest h, String pod, boolean ready) {
        h.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        pod,
                        p -> p.toBuilder()
                                .setStatus(Pods.withCondition(
                                        p.getStatus(),
                                        PodCondition.newBuilder()
                                                .setType("Ready")
                                                .setStatus(ready ? "True" : "False")
                                                // finer than the create's whole second, so it counts as a change
                                                .setLastTransitionTime(Times.now())
                                                .build()))
                                .build()));
    }

    private static List<String> ips(List<EndpointAddress> as) {
        return as.stream().map(EndpointAddress::getIp).sorted().toList();
    }

    @Test
    void slicesCarryConditionsLabelsOwnerAndFollowPodsInPlace() throws Exception {
        try (ControllerManagerUnderTest h = manager()) {
            node(h, "n1", "zone-a");
            Service svc = h.join(h.of(ServiceKind.RESOURCE).create(service("web", Map.of("app", "web"), "http")));
            h.join(h.of(PodKind.RESOURCE)
                    .create(pod("w1", "web", "10.244.0.1", 8080, true).toBuilder()
                            .setSpec(pod("w1", "web", "10.244.0.1", 8080, true).getSpec().toBuilder()
                                    .setHostname("w1")
                                    .setSubdomain("web"))
                            .build()));
            h.join(h.of(PodKind.RESOURCE).create(pod("w2", "web", "10.244.0.2", 8080, false)));
            h.join(h.of(PodKind.RESOURCE).create(pod("w3", "web", "10.244.0.3", 8080, true)));
            h.join(h.of(PodKind.RESOURCE).create(pod("w4", "web", "", 8080, true))); // no IP yet: left out
            h.join(h.of(PodKind.RESOURCE).create(pod("other", "db", "10.244.0.9", 8080, true)));
            // w3 is being deleted (the kubelet would stop it): still published, not ready, serving
            h.join(h.of(PodKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "w3",
                            p -> p.toBuilder()
                                    .setMetadata(p.getMetadata().toBuilder()
                                            .setDeletionTimestamp(Times.nowSeconds())
                                            .setDeletionGracePeriodSeconds(30))
                                    .build()));
            Map<String, String> want =
                    Map.of("w1", "true/true/false", "w2", "false/false/false", "w3", "false/true/true");
            await(
                    Duration.ofSeconds(10),
                    () -> "one slice with w1 ready, w2 not ready, w3 terminating; saw " + conditions(h, "web"),
                    () -> slicesOf(h, "web").size() == 1 && conditions(h, "web").equals(want));
            EndpointSlice slice = slicesOf(h, "web").get(0);
            assertThat(slice.getMetadata().getName()).startsWith("web-").hasSize("web-".length() + 5);
            assertThat(slice.getMetadata().getLabelsMap())
                    .containsEntry(SERVICE_NAME, "web")
                    .containsEntry(MANAGED_BY, "endpointslice-controller.k8s.io")
                    .containsEntry("tier", "front")
                    .doesNotContainKey("service.kubernetes.io/headless");
            assertThat(slice.getMetadata().getOwnerReferencesList())
                    .singleElement()
                    .satisfies(o -> {
                        assertThat(o.getKind()).isEqualTo("Service");
                        assertThat(o.getApiVersion()).isEqualTo("v1");
                        assertThat(o.getUid()).isEqualTo(svc.getMetadata().getUid());
                        assertThat(o.getController()).isTrue();
                    });
            assertThat(slice.getAddressType()).isEqualTo("IPv4");
            assertThat(slice.getPortsList())
                    .containsExactly(EndpointPort.newBuilder()
                            .setName("http")
                            .setPort(8080)
                            .setProtocol("TCP")
                            .build());
            Endpoint w1 = slice.getEndpointsList().stream()
                    .filter(e -> e.getTargetRef().getName().equals("w1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(w1.getAddressesList()).containsExactly("10.244.0.1");
            assertThat(w1.getNodeName()).isEqualTo("n1");
            assertThat(w1.getZone()).isEqualTo("zone-a");
            assertThat(w1.getHostname()).isEqualTo("w1");
            assertThat(w1.getTargetRef().getKind()).isEqualTo("Pod");
            assertThat(w1.getTargetRef().getUid()).isNotEmpty();
            // the Endpoints object publishes the same pods: terminating w3 is not there (no publishNotReadyAddresses)
            await(Duration.ofSeconds(5), () -> "Endpoints mirror the slice", () -> {
                Endpoints ep = h.getOrNull(EndpointsKind.RESOURCE, "default", "web");
                return ep != null
                        && ep.getSubsetsCount() == 1
                        && ips(ep.getSubsets(0).getAddressesList()).equals(List.of("10.244.0.1"))
                        && ips(ep.getSubsets(0).getNotReadyAddressesList()).equals(List.of("10.244.0.2"));
            });

            // a readiness flip updates the same slice in place
            setReady(h, "w2", true);
            await(
                    Duration.ofSeconds(5),
                    () -> "w2 ready in the same slice; saw " + describe(slicesOf(h, "web")) + " "
                            + conditions(h, "web"),
                    () -> conditions(h, "web").get("w2").equals("true/true/false")
                            && slicesOf(h, "web").size() == 1);
            EndpointSlice flipped = slicesOf(h, "web").get(0);
            assertThat(flipped.getMetadata().getUid())
                    .isEqualTo(slice.getMetadata().getUid());
            // the update names the change that caused it: w2's Ready transition
            Pod w2 = h.getOrNull(PodKind.RESOURCE, "default", "w2");
            assertThat(flipped.getMetadata().getAnnotationsMap())
                    .containsEntry(
                            "endpoints.kubernetes.io/last-change-trigger-time",
                            TriggerTimeTracker.format(Times.instant(
                                    Pods.condition(w2, "Ready").orElseThrow().getLastTransitionTime())));

            // a deleted pod leaves the same slice
            h.join(h.of(PodKind.RESOURCE).delete("default", "w2"));
            await(
                    Duration.ofSeconds(5),
                    () -> "w2 gone from the slice; saw " + conditions(h, "web"),
                    () -> !conditions(h, "web").containsKey("w2"));
            assertThat(slicesOf(h, "web"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.getMetadata().getUid())
                            .isEqualTo(slice.getMetadata().getUid()));

            // the Service's deletion takes its slices along
            h.join(h.of(ServiceKind.RESOURCE).delete("default", "web"));
            await(
                    Duration.ofSeconds(10),
                    () -> "slices of the deleted Service gone; saw " + describe(slicesOf(h, "web")),
                    () -> slicesOf(h, "web").isEmpty());
        }
    }

    @Test
    void twoHundredFiftyPodsMakeThreeSlicesOfAtMostAHundred() throws Exception {
        try (ControllerManagerUnderTest h = manager()) {
            node(h, "n1", "zone-a");
            List<CompletableFuture<Pod>> creates = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                creates.add(h.of(PodKind.RESOURCE)
                        .create(pod(
                                String.format("big-%03d", i),
                                "big",
                                "10.244." + (i / 200) + "." + (i % 200 + 1),
                                8080,
                                true)));
            }
            creates.forEach(ControllerManagerUnderTest::join);
            // the Service comes last, so one sync sees every pod: kube's placement then packs them
            // 100, 100, 50 (pods trickling in one by one may take more, still at most 100 each)
            h.join(h.of(ServiceKind.RESOURCE).create(service("big", Map.of("app", "big"), "http")));
            await(
                    Duration.ofSeconds(30),
                    () -> "250 endpoints in 3 slices; saw "
                            + slicesOf(h, "big").stream()
                                    .map(EndpointSlice::getEndpointsCount)
                                    .toList(),
                    () -> {
                        List<EndpointSlice> s = slicesOf(h, "big");
                        return s.size() == 3
                                && s.stream()
                                                .mapToInt(EndpointSlice::getEndpointsCount)
                                                .sum()
                                        == 250;
                    });
            List<EndpointSlice> slices = slicesOf(h, "big");
            assertThat(slices).allSatisfy(s -> assertThat(s.getEndpointsCount()).isLessThanOrEqualTo(100));
            assertThat(slices.stream()
                            .flatMap(s -> s.getEndpointsList().stream())
                            .map(e -> e.getTargetRef().getName())
                            .distinct()
                            .count())
                    .isEqualTo(250);
            await(Duration.ofSeconds(10), () -> "Endpoints with 250 addresses", () -> {
                Endpoints ep = h.getOrNull(EndpointsKind.RESOURCE, "default", "big");
                return ep != null
                        && ep.getSubsetsCount() == 1
                        && ep.getSubsets(0).getAddressesCount() == 250;
            });
        }
    }

    @Test
    void aNamedTargetPortResolvedToTwoNumbersMakesTwoSlices() throws Exception {
        try (ControllerManagerUnderTest h = manager()) {
            node(h, "n1", "zone-a");
            h.join(h.of(ServiceKind.RESOURCE).create(service("api", Map.of("app", "api"), "http")));
            h.join(h.of(PodKind.RESOURCE).create(pod("api-v1-a", "api", "10.244.1.1", 8080, true)));
            h.join(h.of(PodKind.RESOURCE).create(pod("api-v1-b", "api", "10.244.1.2", 8080, true)));
            h.join(h.of(PodKind.RESOURCE).create(pod("api-v2-a", "api", "10.244.1.3", 9090, true)));
            await(Duration.ofSeconds(10), () -> "a slice per port number; saw " + describe(slicesOf(h, "api")), () -> {
                Map<Integer, Integer> byPort = new TreeMap<>();
                for (EndpointSlice s : slicesOf(h, "api")) {
                    if (s.getPortsCount() == 1) {
                        byPort.merge(s.getPorts(0).getPort(), s.getEndpointsCount(), Integer::sum);
                    }
                }
                return slicesOf(h, "api").size() == 2 && byPort.equals(Map.of(8080, 2, 9090, 1));
            });
            await(Duration.ofSeconds(5), () -> "Endpoints with a subset per port number", () -> {
                Endpoints ep = h.getOrNull(EndpointsKind.RESOURCE, "default", "api");
                return ep != null
                        && ep.getSubsetsList().stream()
                                .map(s -> s.getPorts(0).getPort() + "=" + s.getAddressesCount())
                                .sorted()
                                .toList()
                                .equals(List.of("8080=2", "9090=1"));
            });
            // the last pod of the second template goes: its slice goes with it
            h.join(h.of(PodKind.RESOURCE).delete("default", "api-v2-a"));
            await(
                    Duration.ofSeconds(5),
                    () -> "only the 8080 slice left; saw " + describe(slicesOf(h, "api")),
                    () -> slicesOf(h, "api").size() == 1
                            && slicesOf(h, "api").get(0).getPorts(0).getPort() == 8080);
        }
    }

    @Test
    void userSlicesAreLeftAloneAndAServiceWithoutPodsGetsAPlaceholder() throws Exception {
        try (ControllerManagerUnderTest h = manager()) {
            node(h, "n1", "zone-a");
            // a selector-less Service with the user's own slice
            h.join(h.of(ServiceKind.RESOURCE)
                    .create(service("ext", Map.of(), "http").toBuilder()
                            .setSpec(service("ext", Map.of(), "http").getSpec().toBuilder()
                                    .clearSelector())
                            .build()));
            EndpointSlice user = EndpointSlice.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setNamespace("default")
                            .setName("ext-manual")
                            .putLabels(SERVICE_NAME, "ext")
                            .putLabels(MANAGED_BY, "staff"))
                    .setAddressType("IPv4")
                    .addEndpoints(Endpoint.newBuilder().addAddresses("192.0.2.10"))
                    .addPorts(EndpointPort.newBuilder()
                            .setName("http")
                            .setPort(80)
                            .setProtocol("TCP"))
                    .build();
            EndpointSlice userCreated = h.join(h.of(EndpointSliceKind.RESOURCE).create(user));
            // a user slice naming a selector Service, without the controller's managed-by label
            EndpointSlice extra = h.join(h.of(EndpointSliceKind.RESOURCE)
                    .create(user.toBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("empty-extra")
                                    .putLabels(SERVICE_NAME, "empty"))
                            .build()));
            // a selector Service with no pods: one placeholder slice without ports or endpoints
            h.join(h.of(ServiceKind.RESOURCE).create(service("empty", Map.of("app", "none"), "http")));
            await(
                    Duration.ofSeconds(10),
                    () -> "a placeholder slice for empty; saw " + describe(slicesOf(h, "empty")),
                    () -> slicesOf(h, "empty").size() == 1
                            && slicesOf(h, "empty").get(0).getEndpointsCount() == 0
                            && slicesOf(h, "empty").get(0).getPortsCount() == 0);
            // the first pod fills the placeholder in place
            String placeholder = slicesOf(h, "empty").get(0).getMetadata().getName();
            h.join(h.of(ServiceKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "empty",
                            s -> s.toBuilder()
                                    .setSpec(s.getSpec().toBuilder()
                                            .clearSelector()
                                            .putSelector("app", "first"))
                                    .build()));
            h.join(h.of(PodKind.RESOURCE).create(pod("first", "first", "10.244.2.1", 8080, true)));
            await(
                    Duration.ofSeconds(10),
                    () -> "the placeholder holds the first pod; saw " + describe(slicesOf(h, "empty")),
                    () -> slicesOf(h, "empty").size() == 1
                            && slicesOf(h, "empty").get(0).getEndpointsCount() == 1
                            && slicesOf(h, "empty")
                                    .get(0)
                                    .getMetadata()
                                    .getName()
                                    .equals(placeholder));
            // the controller made nothing for ext, and changed neither user slice
            assertThat(slicesOf(h, "ext"))
                    .extracting(s -> s.getMetadata().getName())
                    .containsExactly("ext-manual");
            assertThat(h.getOrNull(EndpointSliceKind.RESOURCE, "default", "ext-manual")
                            .getMetadata()
                            .getResourceVersion())
                    .isEqualTo(userCreated.getMetadata().getResourceVersion());
            h.join(h.of(ServiceKind.RESOURCE).delete("default", "empty"));
            await(
                    Duration.ofSeconds(10),
                    () -> "managed slices of empty gone; saw " + describe(slicesOf(h, "empty")),
                    () -> slicesOf(h, "empty").isEmpty());
            assertThat(h.getOrNull(EndpointSliceKind.RESOURCE, "default", "empty-extra")
                            .getMetadata()
                            .getResourceVersion())
                    .isEqualTo(extra.getMetadata().getResourceVersion());
            assertThat(h.getOrNull(EndpointsKind.RESOURCE, "default", "ext")).isNull();
        }
    }
}
