package io.kubelite.proxy;

import static io.kubelite.proxy.Fixtures.ready;
import static io.kubelite.proxy.Fixtures.service;
import static io.kubelite.proxy.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nodes with equal local views get byte-identical rules, so one rendering can serve them. */
class LocalViewTest {
    static final Set<String> NODES = Set.of("node1", "node2", "node3", "node4");
    static final Optional<String> CIDR = Optional.of("10.0.0.0/8");

    static List<ServicePortInfo> ports(boolean withLocal) {
        List<ServicePortInfo> out = new ArrayList<>();
        out.addAll(ServicePortInfo.of(
                service("ns1", "svc1", "172.30.0.41", 80, 0, s -> s),
                List.of(slice("ns1", "svc1", "p80", 80, ready("10.180.0.1", "node1"), ready("10.180.2.1", "node2")))));
        if (withLocal) {
            out.addAll(ServicePortInfo.of(
                    service("ns1", "svc2", "172.30.0.42", 80, 0, s -> s.setInternalTrafficPolicy("Local")),
                    List.of(slice("ns1", "svc2", "p80", 80, ready("10.180.0.2", "node1")))));
            out.addAll(ServicePortInfo.of(
                    service("ns1", "svc3", "172.30.0.43", 80, 3001, s -> s.setExternalTrafficPolicy("Local")),
                    List.of(slice(
                            "ns1", "svc3", "p80", 80, ready("10.180.2.2", "node2"), ready("10.180.0.3", "node1")))));
        }
        return out;
    }

    @Test
    void withoutLocalPoliciesEveryNodeSharesOneView() {
        Map<String, LocalView> views = LocalView.of(NODES, ports(false));
        assertThat(Set.copyOf(views.values())).hasSize(1);
        List<ServicePortInfo> ports = ports(false);
        String one = IptablesRules.forNode("node1", ports, CIDR);
        for (String n : NODES) {
            assertThat(IptablesRules.forNode(n, ports, CIDR)).as(n).isEqualTo(one);
        }
    }

    @Test
    void nodesWithLocalEndpointsHaveTheirOwnViewAndEqualViewsMeanEqualRules() {
        List<ServicePortInfo> ports = ports(true);
        Map<String, LocalView> views = LocalView.of(NODES, ports);
        assertThat(views.get("node3")).isEqualTo(views.get("node4"));
        assertThat(views.get("node1")).isNotEqualTo(views.get("node2")).isNotEqualTo(views.get("node3"));
        assertThat(views.get("node2")).isNotEqualTo(views.get("node3"));
        for (String a : NODES) {
            for (String b : NODES) {
                boolean sameView = views.get(a).equals(views.get(b));
                boolean sameRules = IptablesRules.forNode(a, ports, CIDR).equals(IptablesRules.forNode(b, ports, CIDR));
                assertThat(sameRules).as(a + " vs " + b).isEqualTo(sameView);
            }
        }
    }
}
