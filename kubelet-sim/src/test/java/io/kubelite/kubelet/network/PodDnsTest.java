package io.kubelite.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodDNSConfig;
import io.kubelite.api.PodDNSConfigOption;
import io.kubelite.api.PodSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolv.conf of each dnsPolicy, dnsConfig and limit case, against kube's dns_test.go expectations. */
class PodDnsTest {
    private static final ResolvConf NODE =
            ResolvConf.parse("# node\nnameserver 192.168.1.1\nsearch corp.example.com.\noptions rotate ndots:1\n");
    private static final DnsSettings CLUSTER =
            new DnsSettings(List.of("10.96.0.10"), "cluster.local", Optional.of(NODE));

    private final List<String> events = new ArrayList<>();
    private final PodEventSink sink = (type, reason, message) -> events.add(type + " " + reason + " " + message);

    private static Pod pod(String policy, boolean hostNetwork, PodDNSConfig config) {
        PodSpec.Builder spec = PodSpec.newBuilder().setDnsPolicy(policy).setHostNetwork(hostNetwork);
        if (config != null) {
            spec.setDnsConfig(config);
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web")
                        .setNamespace("shop")
                        .setUid("u1"))
                .setSpec(spec)
                .build();
    }

    @Test
    void clusterFirstGetsClusterDnsNamespaceSearchesThenTheNodesAndNdots5() {
        ResolvConf c = new PodDns(CLUSTER).forPod(pod("ClusterFirst", false, null), sink);
        assertThat(c.render())
                .isEqualTo("search shop.svc.cluster.local svc.cluster.local cluster.local corp.example.com\n"
                        + "nameserver 10.96.0.10\n"
                        + "options ndots:5\n");
        assertThat(new PodDns(CLUSTER).forPod(pod("", false, null), sink)).isEqualTo(c);
        assertThat(events).isEmpty();
    }

    @Test
    void clusterFirstOnHostNetworkIsTheNodesResolverAndWithHostNetIsTheClusters() {
        assertThat(new PodDns(CLUSTER).forPod(pod("ClusterFirst", true, null), sink))
                .isEqualTo(NODE);
        assertThat(new PodDns(CLUSTER)
                        .forPod(pod("ClusterFirstWithHostNet", true, null), sink)
                        .servers())
                .containsExactly("10.96.0.10");
        assertThat(NODE.options()).containsExactly("rotate", "ndots:1");
    }

    @Test
    void defaultIsTheNodesResolverAndWithoutOneTheLocalResolver() {
        assertThat(new PodDns(CLUSTER).forPod(pod("Default", false, null), sink))
                .isEqualTo(NODE);
        DnsSettings noNodeResolver = new DnsSettings(List.of("10.96.0.10"), "cluster.local", Optional.empty());
        assertThat(new PodDns(noNodeResolver)
                        .forPod(pod("Default", false, null), sink)
                        .render())
                .isEqualTo("search .\nnameserver 127.0.0.1\n");
    }

    @Test
    void withoutClusterDnsClusterFirstFallsBackToDefaultWithKubesEvent() {
        DnsSettings none = new DnsSettings(List.of(), "cluster.local", Optional.of(NODE));
        assertThat(new PodDns(none).forPod(pod("ClusterFirst", false, null), sink))
                .isEqualTo(NODE);
        assertThat(events)
                .containsExactly("Warning MissingClusterDNS pod: \"web_shop(u1)\". kubelet does not have ClusterDNS IP"
                        + " configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to"
                        + " \"Default\" policy.");
    }

    @Test
    void noneIsOnlyTheDnsConfig() {
        PodDNSConfig cfg = PodDNSConfig.newBuilder()
                .addNameservers("1.2.3.4")
                .addSearches("my.dns.search.suffix")
                .addOptions(PodDNSConfigOption.newBuilder().setName("ndots").setValue("2"))
                .addOptions(PodDNSConfigOption.newBuilder().setName("edns0"))
                .build();
        assertThat(new PodDns(CLUSTER).forPod(pod("None", false, cfg), sink).render())
                .isEqualTo("search my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n");
    }

    @Test
    void dnsConfigIsAppendedWithoutDuplicatesAndItsOptionsWin() {
        PodDNSConfig cfg = PodDNSConfig.newBuilder()
                .addNameservers("10.96.0.10")
                .addNameservers("8.8.8.8")
                .addSearches("svc.cluster.local")
                .addSearches("extra.example")
                .addOptions(PodDNSConfigOption.newBuilder().setName("ndots").setValue("2"))
                .addOptions(PodDNSConfigOption.newBuilder().setName("single-request-reopen"))
                .build();
        ResolvConf c = new PodDns(CLUSTER).forPod(pod("ClusterFirst", false, cfg), sink);
        assertThat(c.servers()).containsExactly("10.96.0.10", "8.8.8.8");
        assertThat(c.searches())
                .containsExactly(
                        "shop.svc.cluster.local",
                        "svc.cluster.local",
                        "cluster.local",
                        "corp.example.com",
                        "extra.example");
        assertThat(c.options()).containsExactly("ndots:2", "single-request-reopen");
    }

    @Test
    void moreThanThreeNameserversAreCutWithKubesWarning() {
        PodDNSConfig cfg = PodDNSConfig.newBuilder()
                .addNameservers("1.1.1.1")
                .addNameservers("2.2.2.2")
                .addNameservers("3.3.3.3")
                .build();
        ResolvConf c = new PodDns(CLUSTER).forPod(pod("ClusterFirst", false, cfg), sink);
        assertThat(c.servers()).containsExactly("10.96.0.10", "1.1.1.1", "2.2.2.2");
        assertThat(events)
                .containsExactly("Warning DNSConfigForming Nameserver limits were exceeded, some nameservers have been"
                        + " omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 2.2.2.2");
    }

    @Test
    void searchLimitsCutTo32DomainsAnd2048CharactersWithKubesWarning() {
        PodDNSConfig.Builder many = PodDNSConfig.newBuilder();
        IntStream.range(0, 40).forEach(i -> many.addSearches("s" + i + ".example"));
        ResolvConf c = new PodDns(CLUSTER).forPod(pod("ClusterFirst", false, many.build()), sink);
        assertThat(c.searches()).hasSize(32).startsWith("shop.svc.cluster.local");
        assertThat(events)
                .singleElement()
                .asString()
                .startsWith(
                        "Warning DNSConfigForming Search Line limits were"
                                + " exceeded, some search paths have been omitted, the applied search line is: shop.svc.cluster.local");

        events.clear();
        PodDNSConfig.Builder long_ = PodDNSConfig.newBuilder();
        IntStream.range(0, 14).forEach(i -> long_.addSearches(("d" + i + ".").repeat(50) + "x"));
        long_.addSearches("a".repeat(254)); // longer than a domain can be: dropped
        ResolvConf l = new PodDns(CLUSTER).forPod(pod("None", false, long_.build()), sink);
        assertThat(String.join(" ", l.searches()).length()).isLessThanOrEqualTo(2048);
        assertThat(l.searches()).hasSize(12).noneMatch(s -> s.length() > 253);
        assertThat(events).hasSize(1);
    }

    @Test
    void flagsAreCheckedAndTheNodeResolverIsRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("resolv.conf");
        Files.writeString(f, "nameserver 9.9.9.9\nsearch a.example .\n");
        DnsSettings s = DnsSettings.of("10.96.0.10, 10.96.0.11", "cluster.local.", f.toString());
        assertThat(s.clusterDns()).containsExactly("10.96.0.10", "10.96.0.11");
        assertThat(s.clusterDomain()).isEqualTo("cluster.local");
        assertThat(s.hostResolver().orElseThrow().render()).isEqualTo("search a.example\nnameserver 9.9.9.9\n");
        assertThat(DnsSettings.of("", "cluster.local", "").clusterDns()).isEmpty();
        assertThatThrownBy(() -> DnsSettings.of("kube-dns", "cluster.local", ""))
                .hasMessageContaining("--cluster-dns")
                .hasMessageContaining("kube-dns");
        assertThatThrownBy(() -> DnsSettings.of(
                        "10.96.0.10", "cluster.local", dir.resolve("nope").toString()))
                .hasMessageContaining("--resolv-conf");
    }
}
