package io.kubelite.proxy;

import static io.kubelite.proxy.Fixtures.ready;
import static io.kubelite.proxy.Fixtures.service;
import static io.kubelite.proxy.Fixtures.slice;
import static io.kubelite.proxy.ProxyStateTest.get;
import static io.kubelite.proxy.ProxyStateTest.withTrigger;

import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.Store;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubelite kube-proxy} as its own OS process on a real etcd: its served rules follow an
 * EndpointSlice update within a deadline and its /metrics has the programming-duration histogram.
 */
class KubeProxyProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(30);

    @Test
    void servedRulesFollowAnEndpointSliceUpdate() throws Exception {
        String prefix = ETCD.newPrefix();
        Store store = new Store(ETCD.connect(prefix));
        int rulesPort = FreePorts.next();
        int healthPort = FreePorts.next();
        Path log = Files.createTempFile("kube-proxy", ".log");
        Process proc = ChildJvm.builder(
                        List.of("-Xmx128m"),
                        KubeProxyMain.class,
                        List.of(
                                "--etcd-endpoints="
                                        + String.join(",", ETCD.cluster().endpoints()),
                                "--etcd-prefix=" + prefix,
                                "--nodes=node1",
                                "--cluster-cidr=10.0.0.0/8",
                                "--min-sync-period=100ms",
                                "--rules-port=" + rulesPort,
                                "--health-port=" + healthPort,
                                "--mirror-pod=false"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            String rules = "http://127.0.0.1:" + rulesPort + "/rules/node1";
            store.of(ServiceKind.RESOURCE)
                    .create(service("ns1", "svc1", "172.30.0.41", 80, 0, s -> s))
                    .get();
            store.of(EndpointSliceKind.RESOURCE)
                    .create(withTrigger(slice("ns1", "svc1", "p80", 80, ready("10.180.0.1", "node1"))))
                    .get();
            Poll.until(
                    T,
                    "served rules DNAT to 10.180.0.1:80 (process log " + log + ")",
                    () -> safeGet(rules),
                    r -> r.startsWith("200\n") && r.contains("--to-destination 10.180.0.1:80"));

            store.of(EndpointSliceKind.RESOURCE)
                    .guaranteedUpdate(
                            "ns1",
                            "svc1-abcde",
                            old -> withTrigger(old.toBuilder()
                                    .clearEndpoints()
                                    .addEndpoints(ready("10.180.0.2", "node1"))
                                    .build()))
                    .get();
            Poll.until(
                    T,
                    "served rules DNAT to 10.180.0.2:80 only",
                    () -> safeGet(rules),
                    r -> r.contains("--to-destination 10.180.0.2:80") && !r.contains("10.180.0.1:80"));
            Poll.until(
                    T,
                    "/metrics counts two programmed endpoint changes",
                    () -> safeGet("http://127.0.0.1:" + healthPort + "/metrics")
                            .lines()
                            .filter(l -> l.contains("network_programming_duration"))
                            .filter(l -> l.contains("_count"))
                            .toList(),
                    lines -> lines.size() == 1 && lines.get(0).matches(".* 2(\\.0)?"));
            Files.deleteIfExists(log); // kept only when the test failed: its path is in the message
        } finally {
            proc.destroy();
            if (!proc.waitFor(20, TimeUnit.SECONDS)) {
                proc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String safeGet(String url) {
        try {
            return get(url);
        } catch (Exception e) {
            return "unreachable: " + e;
        }
    }
}
