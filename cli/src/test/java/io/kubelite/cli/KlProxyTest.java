package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.proxy.ProxyState;
import io.kubelite.proxy.RulesServer;
import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kl proxy rules|trace} against a kube-proxy RulesServer fed from a real etcd. */
class KlProxyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    record Result(int code, String out, String err) {}

    static Result kl(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Kl.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(),
                Clock.systemUTC());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rulesAndTraceComeFromTheRunningProxy() throws Exception {
        Store store = new Store(ETCD.connect(ETCD.newPrefix()));
        try (var informers = new SharedInformerFactory(ListerWatchers.etcd(store));
                var state = new ProxyState(
                        informers,
                        Set.of("node1"),
                        Optional.of("10.0.0.0/8"),
                        Duration.ofMillis(50),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC());
                var server = new RulesServer("127.0.0.1", 0, state)) {
            informers.start();
            store.of(ServiceKind.RESOURCE)
                    .create(Service.newBuilder()
                            .setMetadata(
                                    ObjectMeta.newBuilder().setNamespace("ns1").setName("svc1"))
                            .setSpec(ServiceSpec.newBuilder()
                                    .setClusterIp("172.30.0.41")
                                    .addPorts(ServicePort.newBuilder()
                                            .setName("p80")
                                            .setProtocol("TCP")
                                            .setPort(80)
                                            .setTargetPort(Value.newBuilder().setNumberValue(80))))
                            .build())
                    .get();
            store.of(EndpointSliceKind.RESOURCE)
                    .create(EndpointSlice.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("ns1")
                                    .setName("svc1-abcde")
                                    .putLabels("kubernetes.io/service-name", "svc1"))
                            .setAddressType("IPv4")
                            .addPorts(EndpointPort.newBuilder()
                                    .setName("p80")
                                    .setProtocol("TCP")
                                    .setPort(80))
                            .addEndpoints(Endpoint.newBuilder()
                                    .addAddresses("10.180.0.1")
                                    .setNodeName("node1")
                                    .setConditions(
                                            EndpointConditions.newBuilder().setReady(true)))
                            .build())
                    .get();
            Poll.until(
                    Duration.ofSeconds(15),
                    "node1's rules DNAT to the endpoint",
                    () -> state.rules("node1").orElse(""),
                    r -> r.contains("--to-destination 10.180.0.1:80"));
            String address = "127.0.0.1:" + server.port();

            Result rules = kl("proxy", "rules", "node1", "--proxy-address", address);
            assertThat(rules.code()).as(rules.err()).isZero();
            assertThat(rules.out()).isEqualTo(state.rules("node1").get());

            Result trace =
                    kl("proxy", "trace", "node1", "172.30.0.41:80", "--from", "10.0.1.5", "--proxy-address", address);
            assertThat(trace.code()).as(trace.err()).isZero();
            assertThat(trace.out())
                    .isEqualTo(
                            "KUBE-SERVICES\nKUBE-SVC-XPGD46QRK7WJZT7O\nKUBE-SEP-SXIVWICOYRO3J4NJ\n=> DNAT 10.180.0.1:80\n");

            Result unknown = kl("proxy", "rules", "node9", "--proxy-address", address);
            assertThat(unknown.code()).isNotZero();
            assertThat(unknown.err()).contains("node node9 is not served by this kube-proxy");

            Result bad = kl("proxy", "trace", "node1", "nonsense", "--proxy-address", address);
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).contains("destination must be IP:PORT");
        }
    }
}
