package io.kubelite.proxy;

import static io.kubelite.proxy.Fixtures.ready;
import static io.kubelite.proxy.IptablesRulesGoldenTest.EXT;
import static io.kubelite.proxy.IptablesRulesGoldenTest.SEP1;
import static io.kubelite.proxy.IptablesRulesGoldenTest.SVC;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ServiceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RuleTraceTest {
    static final Set<String> NODE_IPS = Set.of("192.168.0.10");

    static RuleTrace rules(
            String node, UnaryOperator<ServiceSpec.Builder> tweak, io.kubelite.api.discovery.Endpoint... eps) {
        return RuleTrace.of(IptablesRulesGoldenTest.rules(node, IptablesRulesGoldenTest.nodePort(tweak), eps));
    }

    @Test
    void clusterIpConnectionFromAPodReachesAnEndpointWithoutMasquerade() {
        var trace = rules("node1", s -> s, ready("10.180.0.1", "node1"))
                .trace("10.0.1.5", "172.30.0.41", 80, "TCP", NODE_IPS, 1);
        assertThat(trace)
                .isEqualTo(new RuleTrace.Result(List.of("KUBE-SERVICES", SVC, SEP1), "DNAT", "10.180.0.1:80", false));
    }

    @Test
    void offClusterSourceIsMasqueraded() {
        var trace = rules("node1", s -> s, ready("10.180.0.1", "node1"))
                .trace("192.168.7.7", "172.30.0.41", 80, "TCP", NODE_IPS, 1);
        assertThat(trace.masquerade()).as(trace.describe()).isTrue();
        assertThat(trace.endpoint()).isEqualTo("10.180.0.1:80");
    }

    @Test
    void nodePortGoesThroughNodePortsAndExtChains() {
        var trace = rules("node1", s -> s, ready("10.180.0.1", "node1"))
                .trace("192.168.7.7", "192.168.0.10", 3001, "TCP", NODE_IPS, 1);
        assertThat(trace.chains()).containsExactly("KUBE-SERVICES", "KUBE-NODEPORTS", EXT, SVC, SEP1);
        assertThat(trace.verdict()).isEqualTo("DNAT");
        assertThat(trace.masquerade()).isTrue();
    }

    @Test
    void statisticRulesSpreadNewConnectionsEvenly() {
        var rules = rules(
                "node1",
                s -> s,
                ready("10.180.0.1", "node1"),
                ready("10.180.0.2", "node1"),
                ready("10.180.0.3", "node1"));
        Map<String, Integer> hits = new HashMap<>();
        for (long seed = 0; seed < 3000; seed++) {
            hits.merge(
                    rules.trace("10.0.1.5", "172.30.0.41", 80, "TCP", NODE_IPS, seed)
                            .endpoint(),
                    1,
                    Integer::sum);
        }
        assertThat(hits)
                .as("hits per endpoint over 3000 seeds")
                .hasSize(3)
                .allSatisfy((ep, n) -> assertThat(n).as(ep + " in " + hits).isBetween(850, 1150));
        assertThat(rules.trace("10.0.1.5", "172.30.0.41", 80, "TCP", NODE_IPS, 42))
                .as("one seed, one answer")
                .isEqualTo(rules.trace("10.0.1.5", "172.30.0.41", 80, "TCP", NODE_IPS, 42));
    }

    @Test
    void noEndpointsIsRejected() {
        var trace = rules("node1", s -> s).trace("10.0.1.5", "172.30.0.41", 80, "TCP", NODE_IPS, 1);
        assertThat(trace.verdict()).as(trace.describe()).isEqualTo("REJECT");
        assertThat(trace.endpoint()).isNull();
    }

    @Test
    void externalTrafficToANodeWithoutLocalEndpointsIsDropped() {
        var rules = rules("node3", s -> s.setExternalTrafficPolicy("Local"), ready("10.180.0.1", "node1"));
        var external = rules.trace("192.168.7.7", "192.168.0.10", 3001, "TCP", NODE_IPS, 1);
        assertThat(external.verdict()).as(external.describe()).isEqualTo("DROP");
        var fromPod = rules.trace("10.0.1.5", "192.168.0.10", 3001, "TCP", NODE_IPS, 1);
        assertThat(fromPod.endpoint())
                .as("pods bypass the external policy: " + fromPod.describe())
                .isEqualTo("10.180.0.1:80");
    }

    @Test
    void unknownDestinationMatchesNothing() {
        var trace = rules("node1", s -> s, ready("10.180.0.1", "node1"))
                .trace("10.0.1.5", "172.30.0.99", 80, "TCP", NODE_IPS, 1);
        assertThat(trace.verdict()).isEqualTo("NONE");
    }
}
