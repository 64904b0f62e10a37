package io.kubelite.kubelet.network;

import io.kubelite.api.Pod;
import io.kubelite.api.PodDNSConfig;
import io.kubelite.api.PodDNSConfigOption;
import io.kubelite.api.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A pod's resolver configuration, computed as the kubelet's {@code Configurer.GetPodDNS}
 * ({@code pkg/kubelet/network/dns}) does:
 *
 * <ul>
 *   <li>{@code ClusterFirst} (and unset) without hostNetwork, and {@code ClusterFirstWithHostNet}:
 *       the cluster DNS servers, search {@code <ns>.svc.<domain> svc.<domain> <domain>} then the
 *       node's own search domains, {@code options ndots:5}. Without cluster DNS servers the pod
 *       gets the {@code Default} policy instead, with kube's {@code MissingClusterDNS} Warning.
 *   <li>{@code ClusterFirst} with hostNetwork, and {@code Default}: the node's resolver
 *       ({@code --resolv-conf}). A node without one ({@code --resolv-conf=""}) gives
 *       {@code nameserver 127.0.0.1} and search {@code .}: kube's way of "use the local resolver".
 *   <li>{@code None}: nothing but the pod's {@code dnsConfig}.
 * </ul>
 *
 * Then {@code dnsConfig} is appended (nameservers and searches without duplicates, options
 * merged by name, the pod's winning) and kube's limits applied: at most 3 nameservers, at most 32
 * search domains, none longer than 253 characters, a search line of at most 2048 characters; each
 * cut is a {@code DNSConfigForming} Warning with kube's text.
 */
public final class PodDns {
    static final int MAX_NAMESERVERS = 3;
    static final int MAX_SEARCH_PATHS = 32;
    static final int MAX_SEARCH_CHARS = 2048;
    static final int MAX_DOMAIN_LENGTH = 253;

    private final DnsSettings settings;

    public PodDns(DnsSettings settings) {
        this.settings = settings;
    }

    /** What the pod's containers' {@code /etc/resolv.conf} holds; Events about it go to {@code events}. */
    public ResolvConf forPod(Pod pod, PodEventSink events) {
        PodSpec spec = pod.getSpec();
        String policy = spec.getDnsPolicy().isEmpty() ? "ClusterFirst" : spec.getDnsPolicy();
        boolean cluster;
        switch (policy) {
            case "ClusterFirstWithHostNet" -> cluster = true;
            case "ClusterFirst" -> cluster = !spec.getHostNetwork();
            case "Default", "None" -> cluster = false;
            default -> {
                // the API server rejects it; an object written to etcd directly gets kube's default
                events.event("Warning", "DNSConfigForming", "invalid DNSPolicy=" + policy + "; using ClusterFirst");
                policy = "ClusterFirst";
                cluster = !spec.getHostNetwork();
            }
        }
        if (cluster && settings.clusterDns().isEmpty()) {
            events.event(
                    "Warning",
                    "MissingClusterDNS",
                    "pod: \"" + pod.getMetadata().getName() + "_"
                            + pod.getMetadata().getNamespace() + "("
                            + pod.getMetadata().getUid() + ")\". kubelet does not have ClusterDNS IP configured and"
                            + " cannot create Pod using \"" + policy + "\" policy. Falling back to \"Default\""
                            + " policy.");
            cluster = false;
        }
        ResolvConf host = settings.hostResolver().orElse(ResolvConf.EMPTY);
        ResolvConf base;
        if (policy.equals("None")) {
            base = ResolvConf.EMPTY;
        } else if (cluster) {
            base = new ResolvConf(settings.clusterDns(), clusterSearches(host.searches(), pod), List.of("ndots:5"));
        } else if (settings.hostResolver().isPresent()) {
            base = host;
        } else {
            base = new ResolvConf(List.of("127.0.0.1"), List.of("."), host.options());
        }
        if (spec.hasDnsConfig()) {
            base = append(base, spec.getDnsConfig());
        }
        return fitLimits(base, events);
    }

    private List<String> clusterSearches(List<String> hostSearches, Pod pod) {
        String domain = settings.clusterDomain();
        if (domain.isEmpty()) {
            return hostSearches;
        }
        List<String> out = new ArrayList<>();
        out.add(pod.getMetadata().getNamespace() + ".svc." + domain);
        out.add("svc." + domain);
        out.add(domain);
        out.addAll(hostSearches);
        return distinct(out);
    }

    private static ResolvConf append(ResolvConf base, PodDNSConfig pod) {
        List<String> servers = new ArrayList<>(base.servers());
        servers.addAll(pod.getNameserversList());
        List<String> searches = new ArrayList<>(base.searches());
        searches.addAll(pod.getSearchesList());
        List<String> options = base.options();
        for (PodDNSConfigOption o : pod.getOptionsList()) {
            options = ResolvConf.mergeOption(
                    options, o.hasValue() && !o.getValue().isEmpty() ? o.getName() + ":" + o.getValue() : o.getName());
        }
        return new ResolvConf(distinct(servers), distinct(searches), options);
    }

    private static ResolvConf fitLimits(ResolvConf c, PodEventSink events) {
        List<String> servers = c.servers();
        if (servers.size() > MAX_NAMESERVERS) {
            servers = servers.subList(0, MAX_NAMESERVERS);
            events.event(
                    "Warning",
                    "DNSConfigForming",
                    "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver"
                            + " line is: " + String.join(" ", servers));
        }
        List<String> search = new ArrayList<>(c.searches());
        boolean exceeded = false;
        if (search.size() > MAX_SEARCH_PATHS) {
            search = new ArrayList<>(search.subList(0, MAX_SEARCH_PATHS));
            exceeded = true;
        }
        // glibc aborts on a search domain longer than a DNS name can be
        exceeded |= search.removeIf(s -> s.length() > MAX_DOMAIN_LENGTH);
        int lineLength = String.join(" ", search).length();
        if (lineLength > MAX_SEARCH_CHARS) {
            int cut = 0;
            int cutLength = 0;
            for (int i = search.size() - 1; i >= 0; i--) {
                cutLength += search.get(i).length() + 1;
                cut++;
                if (lineLength - cutLength <= MAX_SEARCH_CHARS) {
                    break;
                }
            }
            search = new ArrayList<>(search.subList(0, search.size() - cut));
            exceeded = true;
        }
        if (exceeded) {
            events.event(
                    "Warning",
                    "DNSConfigForming",
                    "Search Line limits were exceeded, some search paths have been omitted, the applied search line"
                            + " is: " + String.join(" ", search));
        }
        return new ResolvConf(servers, search, c.options());
    }

    private static List<String> distinct(List<String> in) {
        return new ArrayList<>(new LinkedHashSet<>(in));
    }
}
