package io.kubelite.dns;

import static io.kubelite.dns.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Service;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code kubelite dns} component against real etcd, asked with the real {@code dig}
 * over UDP and TCP: every record kind of the Kubernetes DNS specification, NXDOMAIN vs
 * NODATA, truncation, and an EndpointSlice change showing in the answers within a second.
 */
class DnsServerDigTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static ClusterDns dns;
    private static Dig dig;
    private static ObjectStore<Service> services;
    private static ObjectStore<EndpointSlice> slices;

    @BeforeAll
    static void start() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        Store store = new Store(etcd);
        services = store.of(ServiceKind.RESOURCE);
        slices = store.of(EndpointSliceKind.RESOURCE);

        services.create(clusterIp("default", "web", "10.96.0.10", port("http", "TCP", 80)))
                .join();
        services.create(headless("default", "db", false, port("pg", "TCP", 5432)))
                .join();
        slices.create(slice(
                        "default",
                        "db",
                        "db-abc",
                        slicePort("pg", "TCP", 5432),
                        endpoint("10.244.0.5", "db-0", true),
                        endpoint("10.244.0.6", "db-1", true),
                        endpoint("10.244.0.7", "db-2", false)))
                .join();
        services.create(externalName("default", "ext", "db.example.com")).join();

        DnsOptions options = new DnsOptions();
        options.port = 0;
        dns = new ClusterDns(options);
        dns.start(new ComponentContext(
                "dns",
                "test",
                etcd,
                new CommonOptions(),
                new SimpleMeterRegistry(),
                new ReadinessChecks(),
                (reason, err) -> {
                    throw new AssertionError("fatal: " + reason, err);
                }));
        dig = new Dig(dns.port());
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void clusterIpServiceOverUdpAndTcp() {
        assertThat(dig.shortAnswer("web.default.svc.cluster.local")).containsExactly("10.96.0.10");
        assertThat(dig.shortAnswer("+tcp", "web.default.svc.cluster.local")).containsExactly("10.96.0.10");
        // names compare case-insensitively (spec 2.1)
        assertThat(dig.shortAnswer("WEB.Default.svc.Cluster.Local")).containsExactly("10.96.0.10");
        assertThat(dig.shortAnswer("SRV", "_http._tcp.web.default.svc.cluster.local"))
                .containsExactly("0 100 80 web.default.svc.cluster.local.");
        assertThat(dig.shortAnswer("-x", "10.96.0.10")).containsExactly("web.default.svc.cluster.local.");
        String full = dig.run("web.default.svc.cluster.local");
        assertThat(full).contains("status: NOERROR").contains("flags: qr aa rd;");
        assertThat(full)
                .containsPattern("web\\.default\\.svc\\.cluster\\.local\\.\\s+30\\s+IN\\s+A\\s+10\\.96\\.0\\.10");
    }

    @Test
    void headlessServiceAnswersReadyEndpointsAndHostnames() {
        assertThat(dig.shortAnswer("db.default.svc.cluster.local")).containsExactly("10.244.0.5", "10.244.0.6");
        assertThat(dig.shortAnswer("db-1.db.default.svc.cluster.local")).containsExactly("10.244.0.6");
        assertThat(dig.shortAnswer("SRV", "_pg._tcp.db.default.svc.cluster.local"))
                .containsExactly(
                        "0 100 5432 db-0.db.default.svc.cluster.local.",
                        "0 100 5432 db-1.db.default.svc.cluster.local.");
        assertThat(dig.shortAnswer("-x", "10.244.0.5")).containsExactly("db-0.db.default.svc.cluster.local.");
        // not ready: not published
        assertThat(dig.run("db-2.db.default.svc.cluster.local")).contains("status: NXDOMAIN");
        assertThat(dig.run("-x", "10.244.0.7")).contains("status: NXDOMAIN");
    }

    @Test
    void externalNamePodsAndSchemaVersion() {
        assertThat(dig.run("ext.default.svc.cluster.local"))
                .containsPattern(
                        "ext\\.default\\.svc\\.cluster\\.local\\.\\s+30\\s+IN\\s+CNAME\\s+db\\.example\\.com\\.");
        assertThat(dig.shortAnswer("10-244-1-5.default.pod.cluster.local")).containsExactly("10.244.1.5");
        assertThat(dig.shortAnswer("TXT", "dns-version.cluster.local")).containsExactly("\"1.1.0\"");
    }

    @Test
    void nxdomainNodataAndRefused() {
        String nx = dig.run("nosuch.default.svc.cluster.local");
        assertThat(nx).contains("status: NXDOMAIN").contains("ANSWER: 0").contains("AUTHORITY: 1");
        assertThat(nx).containsPattern("cluster\\.local\\.\\s+30\\s+IN\\s+SOA");
        String nodata = dig.run("AAAA", "web.default.svc.cluster.local");
        assertThat(nodata).contains("status: NOERROR").contains("ANSWER: 0").contains("AUTHORITY: 1");
        assertThat(dig.run("example.com")).contains("status: REFUSED");
    }

    @Test
    void largeUdpAnswerIsTruncatedAndComplete() {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            many.add(endpoint("10.245.0." + i, null, true));
        }
        services.create(headless("default", "big", false, port("http", "TCP", 80)))
                .join();
        slices.create(slice("default", "big", "big-1", slicePort("http", "TCP", 80), many.toArray(Endpoint[]::new)))
                .join();
        Poll.until(
                Duration.ofSeconds(5),
                "60 addresses for big.default over TCP",
                () -> dig.shortAnswer("+tcp", "big.default.svc.cluster.local"),
                a -> a.size() == 60);
        String udp = dig.run("+noedns", "+ignore", "big.default.svc.cluster.local");
        assertThat(udp).containsPattern("flags: qr [^;]*tc");
    }

    @Test
    void endpointSliceChangeShowsWithinASecond() {
        services.create(headless("default", "live", false, port("http", "TCP", 80)))
                .join();
        EndpointSlice s = slices.create(slice(
                        "default", "live", "live-1", slicePort("http", "TCP", 80), endpoint("10.246.0.1", null, true)))
                .join();
        Poll.until(
                Duration.ofSeconds(5),
                "live.default answers 10.246.0.1",
                () -> dig.shortAnswer("live.default.svc.cluster.local"),
                a -> a.equals(List.of("10.246.0.1")));

        slices.update(s.toBuilder()
                        .clearEndpoints()
                        .addEndpoints(endpoint("10.246.0.1", null, false))
                        .addEndpoints(endpoint("10.246.0.2", null, true))
                        .build())
                .join();
        Poll.until(
                Duration.ofSeconds(1),
                "live.default answers only the newly ready 10.246.0.2",
                () -> dig.shortAnswer("live.default.svc.cluster.local"),
                a -> a.equals(List.of("10.246.0.2")));

        // no ready endpoint left: the Service still exists, so NODATA rather than NXDOMAIN
        EndpointSlice current = slices.get("default", "live-1").join();
        slices.update(current.toBuilder()
                        .clearEndpoints()
                        .addEndpoints(endpoint("10.246.0.2", null, false))
                        .build())
                .join();
        Poll.until(
                Duration.ofSeconds(1),
                "live.default NOERROR with no answer",
                () -> dig.run("live.default.svc.cluster.local"),
                out -> out.contains("status: NOERROR") && out.contains("ANSWER: 0"));

        services.delete("default", "live").join();
        Poll.until(
                Duration.ofSeconds(1),
                "live.default gone (NXDOMAIN)",
                () -> dig.run("live.default.svc.cluster.local"),
                out -> out.contains("status: NXDOMAIN"));
    }
}
