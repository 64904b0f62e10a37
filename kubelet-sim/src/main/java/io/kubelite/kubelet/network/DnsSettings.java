package io.kubelite.kubelet.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node's DNS settings, from kubelet-sim's flags: {@code --cluster-dns} (the cluster DNS
 * Service's IPs; empty: none), {@code --cluster-domain} and {@code --resolv-conf} (the node's own
 * resolver, for the {@code Default} policy; empty: the node has none). The node's file is read once,
 * when the settings are made.
 */
public record DnsSettings(List<String> clusterDns, String clusterDomain, Optional<ResolvConf> hostResolver) {
    public static final String DEFAULT_CLUSTER_DNS = "10.96.0.10";
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    /** kubelet-sim's defaults: 10.96.0.10, cluster.local, no node resolver. */
    public static final DnsSettings DEFAULT =
            new DnsSettings(List.of(DEFAULT_CLUSTER_DNS), DEFAULT_CLUSTER_DOMAIN, Optional.empty());

    public DnsSettings {
        clusterDns = List.copyOf(clusterDns);
    }

    /**
     * Settings from the flags' values; {@code clusterDns} is comma-separated. Throws
     * {@link IllegalArgumentException} naming the flag for an address that is not an IPv4/IPv6
     * literal or a resolv.conf that cannot be read.
     */
    public static DnsSettings of(String clusterDns, String clusterDomain, String resolvConf) {
        List<String> servers = new ArrayList<>();
        for (String s : clusterDns == null ? new String[0] : clusterDns.split(",")) {
            String ip = s.trim();
            if (ip.isEmpty()) {
                continue;
            }
            if (!IpAddresses.isLiteral(ip)) {
                throw new IllegalArgumentException("--cluster-dns: \"" + ip + "\" is not an IP address");
            }
            servers.add(ip);
        }
        Optional<ResolvConf> host = Optional.empty();
        if (resolvConf != null && !resolvConf.isEmpty()) {
            try {
                host = Optional.of(ResolvConf.parse(Files.readString(Path.of(resolvConf), StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("--resolv-conf: cannot read " + resolvConf + ": " + e.getMessage());
            }
        }
        String domain = clusterDomain == null ? "" : clusterDomain.trim();
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return new DnsSettings(servers, domain, host);
    }
}
