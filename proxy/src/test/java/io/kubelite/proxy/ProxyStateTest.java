package io.kubelite.proxy;

import static io.kubelite.proxy.Fixtures.ready;
import static io.kubelite.proxy.Fixtures.service;
import static io.kubelite.proxy.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ProxyState against a real etcd: rules follow EndpointSlice writes and the metric is recorded. */
class ProxyStateTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration DEADLINE = Duration.ofSeconds(15);

    @Test
    void rulesFollowEndpointSliceUpdatesAndRecordProgrammingDuration() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        Store store = new Store(etcd);
        var services = store.of(ServiceKind.RESOURCE);
        var slices = store.of(EndpointSliceKind.RESOURCE);
        var registry = new SimpleMeterRegistry();
        try (var informers = new SharedInformerFactory(ListerWatchers.etcd(store));
                var state = new ProxyState(
                        informers,
                        Set.of("node1"),
                        Optional.of("10.0.0.0/8"),
                        Duration.ofMillis(100),
                        registry,
                        Clock.systemUTC())) {
            informers.start();
            services.create(service("ns1", "svc1", "172.30.0.41", 80, 0, s -> s))
                    .get();
            slices.create(withTrigger(slice("ns1", "svc1", "p80", 80, ready("10.180.0.1", "node1"))))
                    .get();

            Poll.until(
                    DEADLINE,
                    "node1's rules DNAT to 10.180.0.1:80",
                    () -> state.rules("node1").orElse("<none>"),
                    r -> r.contains("--to-destination 10.180.0.1:80"));

            slices.guaranteedUpdate(
                            "ns1",
                            "svc1-abcde",
                            old -> withTrigger(old.toBuilder()
                                    .clearEndpoints()
                                    .addEndpoints(ready("10.180.0.2", "node1"))
                                    .build()))
                    .get();
            String rules = Poll.until(
                    DEADLINE,
                    "node1's rules DNAT to 10.180.0.2:80 and no longer to 10.180.0.1:80",
                    () -> state.rules("node1").orElse("<none>"),
                    r -> r.contains("--to-destination 10.180.0.2:80") && !r.contains("--to-destination 10.180.0.1:80"));
            assertThat(RuleTrace.of(rules)
                            .trace("10.0.1.5", "172.30.0.41", 80, "TCP", Set.of(), 1)
                            .endpoint())
                    .isEqualTo("10.180.0.2:80");

            var timer = registry.find("kubeproxy_network_programming_duration").timer();
            assertThat(timer).as("programming-duration timer").isNotNull();
            Poll.until(DEADLINE, "two programming durations recorded", () -> timer.count() >= 2);
            assertThat(state.rules("node2"))
                    .as("a node this process does not serve")
                    .isEmpty();
        }
    }

    @Test
    void nodesWithoutLocalEndpointsShareOneRendering() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        Store store = new Store(etcd);
        var services = store.of(ServiceKind.RESOURCE);
        var slices = store.of(EndpointSliceKind.RESOURCE);
        var reports = new java.util.concurrent.CopyOnWriteArrayList<ProxyState.SyncReport>();
        try (var informers = new SharedInformerFactory(ListerWatchers.etcd(store));
                var state = new ProxyState(
                        informers,
                        Set.of("node1", "node2", "node3"),
                        Optional.of("10.0.0.0/8"),
                        Duration.ZERO,
                        new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
            state.addSyncListener(reports::add);
            informers.start();
            services.create(service("ns1", "svc1", "172.30.0.41", 80, 0, s -> s))
                    .get();
            services.create(service("ns1", "svc2", "172.30.0.42", 80, 0, s -> s.setInternalTrafficPolicy("Local")))
                    .get();
            slices.create(slice("ns1", "svc1", "p80", 80, ready("10.180.0.1", "node1")))
                    .get();
            slices.create(slice("ns1", "svc2", "p80", 80, ready("10.180.0.2", "node1")))
                    .get();
            Poll.until(
                    DEADLINE,
                    "node3's rules DNAT to both endpoints' chains",
                    () -> state.rules("node3").orElse("<none>"),
                    r -> r.contains("--to-destination 10.180.0.1:80") && r.contains("has no local endpoints"));
            Poll.until(
                    DEADLINE,
                    "a sync reported after the last write",
                    () -> state.hasSyncedRules()
                            && reports.get(reports.size() - 1).renderings() == 2);
            assertThat(state.rules("node2").orElseThrow())
                    .as("node2 and node3 have no local endpoints: one String")
                    .isSameAs(state.rules("node3").orElseThrow());
            assertThat(state.rules("node1").orElseThrow()).contains("--to-destination 10.180.0.2:80");
            assertThat(state.rules("node2").orElseThrow()).doesNotContain("--to-destination 10.180.0.2:80");
        }
    }

    static String get(String url) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var resp = client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return resp.statusCode() + "\n" + resp.body();
    }

    static EndpointSlice withTrigger(EndpointSlice s) {
        var b = s.toBuilder();
        b.getMetadataBuilder()
                .putAnnotations(
                        ProxyState.TRIGGER_TIME_ANNOTATION, Instant.now().toString());
        return b.build();
    }
}
