package io.kubelite.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code filter} and {@code nat} tables kube-proxy's iptables mode writes for one node, as
 * {@code iptables-save} text: a pure function of the node name, the service ports (with their
 * endpoints) and the cluster CIDR.
 *
 * <p>Rules are kube's syncProxyRules: the same chain names, hashes, argument order and comments.
 * Rules are grouped by chain as iptables-save prints them; the top-level chains come first in
 * kube's order, the per-service chains after in name order, and services in KUBE-SERVICES are in
 * service-port name order (kube iterates a Go map, so its own order is unspecified). Not
 * modelled: external IPs, load balancers (KUBE-FW-), health-check node ports, IPv6.
 */
public final class IptablesRules {
    /** kube-proxy's default masquerade bit, {@code --iptables-masquerade-bit=14}. */
    public static final String MASQ_MARK = "0x4000";

    static final String KUBE_SERVICES = "KUBE-SERVICES";
    static final String KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
    static final String KUBE_FORWARD = "KUBE-FORWARD";
    static final String KUBE_NODEPORTS = "KUBE-NODEPORTS";
    static final String KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
    static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";
    static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";

    private IptablesRules() {}

    /**
     * The rules for {@code node}. {@code clusterCidr}, when present, is kube's
     * {@code --cluster-cidr} local-traffic detector: traffic to a cluster IP from outside it is
     * masqueraded; without it no such rule is written, as in kube.
     */
    public static String forNode(String node, List<ServicePortInfo> services, Optional<String> clusterCidr) {
        Table filter = new Table();
        Table nat = new Table();
        for (String c :
                List.of(KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL)) {
            filter.chain(c);
        }
        for (String c : List.of(KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ)) {
            nat.chain(c);
        }
        nat.rule(KUBE_POSTROUTING, "-m mark ! --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j RETURN");
        nat.rule(KUBE_POSTROUTING, "-j MARK --xor-mark " + MASQ_MARK);
        nat.rule(
                KUBE_POSTROUTING,
                "-m comment --comment \"kubernetes service traffic requiring SNAT\"" + " -j MASQUERADE --random-fully");
        nat.rule(KUBE_MARK_MASQ, "-j MARK --or-mark " + MASQ_MARK);

        List<ServicePortInfo> sorted = new ArrayList<>(services);
        sorted.sort(Comparator.comparing(ServicePortInfo::name));
        for (ServicePortInfo svc : sorted) {
            writeService(node, svc, clusterCidr, filter, nat);
        }

        nat.rule(
                KUBE_SERVICES,
                "-m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule"
                        + " in this chain\" -m addrtype --dst-type LOCAL -j "
                        + KUBE_NODEPORTS);
        filter.rule(KUBE_FORWARD, "-m conntrack --ctstate INVALID -j DROP");
        filter.rule(
                KUBE_FORWARD,
                "-m comment --comment \"kubernetes forwarding rules\" -m mark --mark "
                        + MASQ_MARK
                        + "/"
                        + MASQ_MARK
                        + " -j ACCEPT");
        filter.rule(
                KUBE_FORWARD,
                "-m comment --comment \"kubernetes forwarding conntrack rule\""
                        + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

        return "*filter\n" + filter.render() + "COMMIT\n" + "*nat\n" + nat.render() + "COMMIT\n";
    }

    private static void writeService(
            String node, ServicePortInfo svc, Optional<String> clusterCidr, Table filter, Table nat) {
        String name = svc.name();
        String proto = svc.lowerProtocol();
        String clusterChain = ChainNames.cluster(name, proto);
        String localChain = ChainNames.local(name, proto);
        String extChain = ChainNames.external(name, proto);
        NodeEndpoints eps = NodeEndpoints.of(svc, node);

        boolean hasEndpoints = eps.hasAny();
        boolean usesClusterChain = !eps.cluster().isEmpty() && svc.usesClusterEndpoints();
        boolean usesLocalChain = !eps.local().isEmpty() && svc.usesLocalEndpoints();

        String internalChain = clusterChain;
        boolean hasInternal = hasEndpoints;
        if (svc.internalPolicyLocal()) {
            internalChain = localChain;
            hasInternal = hasInternal && !eps.local().isEmpty();
        }
        String externalPolicyChain = clusterChain;
        boolean hasExternal = hasEndpoints;
        if (svc.usesExternalLocal()) {
            externalPolicyChain = localChain;
            hasExternal = hasExternal && !eps.local().isEmpty();
        }
        boolean usesExtChain = hasEndpoints && svc.externallyAccessible();

        String internalTarget = null;
        String internalComment = null;
        String externalTarget = null;
        String externalComment = null;
        if (!hasEndpoints) {
            internalTarget = externalTarget = "REJECT";
            internalComment = externalComment = "\"" + name + " has no endpoints\"";
        } else {
            if (!hasInternal) {
                internalTarget = "DROP";
                internalComment = "\"" + name + " has no local endpoints\"";
            }
            if (!hasExternal) {
                externalTarget = "DROP";
                externalComment = "\"" + name + " has no local endpoints\"";
            }
        }

        String vip = " -m " + proto + " -p " + proto + " -d " + svc.clusterIp() + " --dport " + svc.port();
        String clusterIpComment = "-m comment --comment \"" + name + " cluster IP\"";
        if (hasInternal) {
            nat.rule(KUBE_SERVICES, clusterIpComment + vip + " -j " + internalChain);
        } else {
            filter.rule(KUBE_SERVICES, "-m comment --comment " + internalComment + vip + " -j " + internalTarget);
        }

        if (svc.nodePort() != 0) {
            String np = " -m " + proto + " -p " + proto + " --dport " + svc.nodePort();
            if (hasEndpoints) {
                nat.rule(KUBE_NODEPORTS, "-m comment --comment " + name + np + " -j " + extChain);
            }
            if (!hasExternal) {
                filter.rule(
                        KUBE_EXTERNAL_SERVICES,
                        "-m comment --comment "
                                + externalComment
                                + " -m addrtype --dst-type LOCAL"
                                + np
                                + " -j "
                                + externalTarget);
            }
        }

        if (hasInternal && clusterCidr.isPresent()) {
            nat.chain(internalChain);
            nat.rule(internalChain, clusterIpComment + vip + " ! -s " + clusterCidr.get() + " -j " + KUBE_MARK_MASQ);
        }

        if (usesExtChain) {
            nat.chain(extChain);
            if (!svc.usesExternalLocal()) {
                nat.rule(
                        extChain,
                        "-m comment --comment \"masquerade traffic for "
                                + name
                                + " external destinations\" -j "
                                + KUBE_MARK_MASQ);
            } else {
                clusterCidr.ifPresent(cidr -> nat.rule(
                        extChain,
                        "-m comment --comment \"pod traffic for "
                                + name
                                + " external destinations\" -s "
                                + cidr
                                + " -j "
                                + clusterChain));
                nat.rule(
                        extChain,
                        "-m comment --comment \"masquerade LOCAL traffic for "
                                + name
                                + " external destinations\" -m addrtype --src-type LOCAL -j "
                                + KUBE_MARK_MASQ);
                nat.rule(
                        extChain,
                        "-m comment --comment \"route LOCAL traffic for "
                                + name
                                + " external destinations\" -m addrtype --src-type LOCAL -j "
                                + clusterChain);
            }
            if (hasExternal) {
                nat.rule(extChain, "-j " + externalPolicyChain);
            }
        }

        if (usesClusterChain) {
            writeServiceToEndpoints(nat, svc, clusterChain, eps.cluster());
        }
        if (usesLocalChain) {
            writeServiceToEndpoints(nat, svc, localChain, eps.local());
        }

        for (EndpointInfo ep : eps.allReachable()) {
            String sep = ChainNames.endpoint(name, proto, ep.toString());
            nat.chain(sep);
            String head = "-m comment --comment " + name;
            nat.rule(sep, head + " -s " + ep.ip() + " -j " + KUBE_MARK_MASQ);
            String affinity = svc.clientIpAffinity() ? " -m recent --name " + sep + " --set" : "";
            nat.rule(sep, head + affinity + " -m " + proto + " -p " + proto + " -j DNAT --to-destination " + ep);
        }
    }

    private static void writeServiceToEndpoints(
            Table nat, ServicePortInfo svc, String chain, List<EndpointInfo> endpoints) {
        nat.chain(chain);
        String name = svc.name();
        String proto = svc.lowerProtocol();
        if (svc.clientIpAffinity()) {
            for (EndpointInfo ep : endpoints) {
                String sep = ChainNames.endpoint(name, proto, ep.toString());
                nat.rule(
                        chain,
                        "-m comment --comment \""
                                + name
                                + " -> "
                                + ep
                                + "\" -m recent --name "
                                + sep
                                + " --rcheck --seconds "
                                + svc.stickyMaxAgeSeconds()
                                + " --reap -j "
                                + sep);
            }
        }
        int n = endpoints.size();
        for (int i = 0; i < n; i++) {
            EndpointInfo ep = endpoints.get(i);
            String sep = ChainNames.endpoint(name, proto, ep.toString());
            String stat = i < n - 1 ? " -m statistic --mode random --probability " + probability(n - i) : "";
            nat.rule(chain, "-m comment --comment \"" + name + " -> " + ep + "\"" + stat + " -j " + sep);
        }
    }

    /** kube's {@code fmt.Sprintf("%0.10f", 1.0/float64(n))}. */
    static String probability(int n) {
        // String.format is most of a rendering's CPU at 10,000 endpoints: the usual counts are precomputed
        return n > 0 && n <= PROBABILITIES.size() ? PROBABILITIES.get(n - 1) : formatProbability(n);
    }

    private static final List<String> PROBABILITIES = java.util.stream.IntStream.rangeClosed(1, 256)
            .mapToObj(IptablesRules::formatProbability)
            .toList();

    private static String formatProbability(int n) {
        return String.format(Locale.ROOT, "%.10f", 1.0 / n);
    }

    /** Chains in declaration order and each chain's rules in write order. */
    private static final class Table {
        private final Map<String, List<String>> chains = new LinkedHashMap<>();

        void chain(String name) {
            chains.computeIfAbsent(name, k -> new ArrayList<>());
        }

        void rule(String chain, String rule) {
            chains.computeIfAbsent(chain, k -> new ArrayList<>()).add(rule);
        }

        String render() {
            StringBuilder out = new StringBuilder();
            List<String> order = new ArrayList<>(chains.keySet());
            // top-level chains keep kube's order; per-service chains follow sorted, as a save lists them
            List<String> top = order.stream().filter(c -> !isServiceChain(c)).toList();
            List<String> rest = order.stream()
                    .filter(IptablesRules::isServiceChain)
                    .sorted()
                    .toList();
            List<String> all = new ArrayList<>(top);
            all.addAll(rest);
            for (String c : all) {
                out.append(':').append(c).append(" - [0:0]\n");
            }
            for (String c : all) {
                for (String r : chains.get(c)) {
                    out.append("-A ").append(c).append(' ').append(r).append('\n');
                }
            }
            return out.toString();
        }
    }

    static boolean isServiceChain(String chain) {
        return chain.startsWith("KUBE-SVC-")
                || chain.startsWith("KUBE-SVL-")
                || chain.startsWith("KUBE-EXT-")
                || chain.startsWith("KUBE-FW-")
                || chain.startsWith("KUBE-SEP-");
    }
}
