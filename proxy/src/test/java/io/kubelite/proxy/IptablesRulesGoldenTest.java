package io.kubelite.proxy;

import static io.kubelite.proxy.Fixtures.endpoint;
import static io.kubelite.proxy.Fixtures.ready;
import static io.kubelite.proxy.Fixtures.service;
import static io.kubelite.proxy.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Service;
import io.kubelite.api.discovery.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Golden iptables-save output for a matrix of Services, after kube's pkg/proxy/iptables
 * proxier_test.go cases (same names, IPs and cluster CIDR, so the hashed chain names are the
 * ones in kube's own golden output, e.g. KUBE-SVC-XPGD46QRK7WJZT7O for ns1/svc1:p80).
 */
class IptablesRulesGoldenTest {
    static final String SVC = "KUBE-SVC-XPGD46QRK7WJZT7O";
    static final String SVL = "KUBE-SVL-XPGD46QRK7WJZT7O";
    static final String EXT = "KUBE-EXT-XPGD46QRK7WJZT7O";
    static final String SEP1 = "KUBE-SEP-SXIVWICOYRO3J4NJ"; // 10.180.0.1:80 on node1
    static final String SEP2 = "KUBE-SEP-LXVODXWDISEETFEF"; // 10.180.0.2:80 on node1
    static final String SEP3 = "KUBE-SEP-ICDUIKC33SFI6ZPR"; // 10.180.0.3:80 on node1
    static final String SEPR = "KUBE-SEP-ZX7GRIZKSNUQ3LAJ"; // 10.180.2.1:80 on node2

    static final String CLUSTER_IP_JUMP =
            "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp"
                    + " -d 172.30.0.41 --dport 80 -j ";
    static final String MASQ_OFF_CLUSTER =
            " -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80"
                    + " ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n";

    /** The whole output with kube's fixed chains around the service-specific parts. */
    static String golden(String filterRules, String natChains, String services, String nodePorts, String natRules) {
        return """
        *filter
        :KUBE-SERVICES - [0:0]
        :KUBE-EXTERNAL-SERVICES - [0:0]
        :KUBE-FORWARD - [0:0]
        :KUBE-NODEPORTS - [0:0]
        :KUBE-PROXY-FIREWALL - [0:0]
        """ + filterRules + """
        -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        COMMIT
        *nat
        :KUBE-SERVICES - [0:0]
        :KUBE-NODEPORTS - [0:0]
        :KUBE-POSTROUTING - [0:0]
        :KUBE-MARK-MASQ - [0:0]
        """ + natChains + services + """
        -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
        """ + nodePorts + """
        -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
        -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
        -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
        -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
        """ + natRules + "COMMIT\n";
    }

    static String chains(String... names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(':').append(n).append(" - [0:0]\n");
        }
        return b.toString();
    }

    static String sep(String chain, String ip, String extra) {
        return "-A " + chain + " -m comment --comment ns1/svc1:p80 -s " + ip + " -j KUBE-MARK-MASQ\n"
                + "-A " + chain + " -m comment --comment ns1/svc1:p80" + extra
                + " -m tcp -p tcp -j DNAT --to-destination " + ip + ":80\n";
    }

    static String rules(String node, Service svc, Endpoint... eps) {
        var slices = List.of(slice("ns1", "svc1", "p80", 80, eps));
        return IptablesRules.forNode(node, ServicePortInfo.of(svc, slices), Optional.of("10.0.0.0/8"));
    }

    static Service clusterIp(UnaryOperator<io.kubelite.api.ServiceSpec.Builder> tweak) {
        return service("ns1", "svc1", "172.30.0.41", 80, 0, tweak);
    }

    static Service nodePort(UnaryOperator<io.kubelite.api.ServiceSpec.Builder> tweak) {
        return service("ns1", "svc1", "172.30.0.41", 80, 3001, tweak);
    }

    @Test
    void clusterIpWithOneEndpoint() {
        assertThat(rules("node1", clusterIp(s -> s), ready("10.180.0.1", "node1")))
                .isEqualTo(golden(
                        "",
                        chains(SEP1, SVC),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "",
                        sep(SEP1, "10.180.0.1", "")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j " + SEP1
                                + "\n"));
    }

    @Test
    void clusterIpWithThreeEndpointsSplitsByStatistic() {
        assertThat(rules(
                        "node1",
                        clusterIp(s -> s),
                        ready("10.180.0.3", "node1"),
                        ready("10.180.0.1", "node1"),
                        ready("10.180.0.2", "node1")))
                .isEqualTo(golden(
                        "",
                        chains(SEP3, SEP2, SEP1, SVC),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "",
                        sep(SEP3, "10.180.0.3", "")
                                + sep(SEP2, "10.180.0.2", "")
                                + sep(SEP1, "10.180.0.1", "")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\""
                                + " -m statistic --mode random --probability 0.3333333333 -j " + SEP1 + "\n"
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\""
                                + " -m statistic --mode random --probability 0.5000000000 -j " + SEP2 + "\n"
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.3:80\" -j " + SEP3
                                + "\n"));
    }

    @Test
    void nodePortJumpsThroughExtChainAndMasquerades() {
        assertThat(rules("node1", nodePort(s -> s), ready("10.180.0.1", "node1"), ready("10.180.2.1", "node2")))
                .isEqualTo(golden(
                        "",
                        chains(EXT, SEP1, SEPR, SVC),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j " + EXT
                                + "\n",
                        "-A " + EXT
                                + " -m comment --comment \"masquerade traffic for ns1/svc1:p80 external destinations\""
                                + " -j KUBE-MARK-MASQ\n"
                                + "-A " + EXT + " -j " + SVC + "\n"
                                + sep(SEP1, "10.180.0.1", "")
                                + sep(SEPR, "10.180.2.1", "")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\""
                                + " -m statistic --mode random --probability 0.5000000000 -j " + SEP1 + "\n"
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.2.1:80\" -j " + SEPR
                                + "\n"));
    }

    static final String EXT_LOCAL_SPECIAL_CASES =
            "-A " + EXT + " -m comment --comment \"pod traffic for ns1/svc1:p80 external destinations\""
                    + " -s 10.0.0.0/8 -j " + SVC + "\n"
                    + "-A " + EXT + " -m comment --comment \"masquerade LOCAL traffic for ns1/svc1:p80 external"
                    + " destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n"
                    + "-A " + EXT + " -m comment --comment \"route LOCAL traffic for ns1/svc1:p80 external"
                    + " destinations\" -m addrtype --src-type LOCAL -j " + SVC + "\n";

    @Test
    void externalTrafficPolicyLocalWithLocalEndpointUsesSvlChain() {
        var svc = nodePort(s -> s.setExternalTrafficPolicy("Local"));
        assertThat(rules("node1", svc, ready("10.180.0.1", "node1"), ready("10.180.2.1", "node2")))
                .isEqualTo(golden(
                        "",
                        chains(EXT, SEP1, SEPR, SVC, SVL),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j " + EXT
                                + "\n",
                        EXT_LOCAL_SPECIAL_CASES
                                + "-A " + EXT + " -j " + SVL + "\n"
                                + sep(SEP1, "10.180.0.1", "")
                                + sep(SEPR, "10.180.2.1", "")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\""
                                + " -m statistic --mode random --probability 0.5000000000 -j " + SEP1 + "\n"
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.2.1:80\" -j " + SEPR
                                + "\n"
                                + "-A " + SVL + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j " + SEP1
                                + "\n"));
    }

    @Test
    void externalTrafficPolicyLocalWithoutLocalEndpointsDropsExternalTraffic() {
        var svc = nodePort(s -> s.setExternalTrafficPolicy("Local"));
        assertThat(rules("node3", svc, ready("10.180.0.1", "node1"), ready("10.180.2.1", "node2")))
                .isEqualTo(golden(
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\""
                                + " -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP\n",
                        chains(EXT, SEP1, SEPR, SVC),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j " + EXT
                                + "\n",
                        EXT_LOCAL_SPECIAL_CASES
                                + sep(SEP1, "10.180.0.1", "")
                                + sep(SEPR, "10.180.2.1", "")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\""
                                + " -m statistic --mode random --probability 0.5000000000 -j " + SEP1 + "\n"
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.2.1:80\" -j " + SEPR
                                + "\n"));
    }

    @Test
    void internalTrafficPolicyLocalUsesOnlyThisNodesEndpoints() {
        var svc = clusterIp(s -> s.setInternalTrafficPolicy("Local"));
        assertThat(rules("node1", svc, ready("10.180.0.1", "node1"), ready("10.180.2.1", "node2")))
                .isEqualTo(golden(
                        "",
                        chains(SEP1, SVL),
                        CLUSTER_IP_JUMP + SVL + "\n",
                        "",
                        sep(SEP1, "10.180.0.1", "")
                                + "-A " + SVL + MASQ_OFF_CLUSTER
                                + "-A " + SVL + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j " + SEP1
                                + "\n"));
    }

    @Test
    void internalTrafficPolicyLocalWithoutLocalEndpointsDropsClusterIpTraffic() {
        var svc = clusterIp(s -> s.setInternalTrafficPolicy("Local"));
        assertThat(rules("node1", svc, ready("10.180.2.1", "node2")))
                .isEqualTo(golden(
                        "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m tcp -p tcp"
                                + " -d 172.30.0.41 --dport 80 -j DROP\n",
                        "",
                        "",
                        "",
                        ""));
    }

    @Test
    void clientIpAffinityChecksAndSetsRecentLists() {
        var svc = clusterIp(s -> s.setSessionAffinity("ClientIP"));
        assertThat(rules("node1", svc, ready("10.180.0.1", "node1")))
                .isEqualTo(golden(
                        "",
                        chains(SEP1, SVC),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "",
                        sep(SEP1, "10.180.0.1", " -m recent --name " + SEP1 + " --set")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC
                                + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m recent --name "
                                + SEP1 + " --rcheck --seconds 10800 --reap -j " + SEP1 + "\n"
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j " + SEP1
                                + "\n"));
    }

    @Test
    void noEndpointsRejectsInFilterTable() {
        assertThat(rules("node1", nodePort(s -> s)))
                .isEqualTo(golden(
                        "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp"
                                + " -d 172.30.0.41 --dport 80 -j REJECT\n"
                                + "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\""
                                + " -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT\n",
                        "",
                        "",
                        "",
                        ""));
    }

    @Test
    void withNoReadyEndpointsServingTerminatingOnesAreUsed() {
        assertThat(rules(
                        "node1",
                        clusterIp(s -> s),
                        endpoint("10.180.0.1", "node1", false, true, true),
                        endpoint("10.180.0.2", "node1", false, false, true)))
                .isEqualTo(golden(
                        "",
                        chains(SEP1, SVC),
                        CLUSTER_IP_JUMP + SVC + "\n",
                        "",
                        sep(SEP1, "10.180.0.1", "")
                                + "-A " + SVC + MASQ_OFF_CLUSTER
                                + "-A " + SVC + " -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j " + SEP1
                                + "\n"));
    }

    @Test
    void readyEndpointsWinOverServingTerminatingOnes() {
        assertThat(rules(
                        "node1",
                        clusterIp(s -> s),
                        endpoint("10.180.0.2", "node1", false, true, true),
                        ready("10.180.0.1", "node1")))
                .isEqualTo(rules("node1", clusterIp(s -> s), ready("10.180.0.1", "node1")));
    }

    @Test
    void headlessServicesGetNoRules() {
        assertThat(rules("node1", clusterIp(s -> s.setClusterIp("None")), ready("10.180.0.1", "node1")))
                .isEqualTo(golden("", "", "", "", ""));
    }
}
