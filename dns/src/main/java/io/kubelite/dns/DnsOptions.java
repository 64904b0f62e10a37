package io.kubelite.dns;

import picocli.CommandLine.Option;

/** The flags of {@code kubelite dns} besides the common ones. */
public final class DnsOptions {
    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            description = "Address the DNS server listens on, UDP and TCP (default: ${DEFAULT-VALUE}).")
    String bindAddress = "127.0.0.1";

    @Option(
            names = "--port",
            defaultValue = "10053",
            description = "DNS port, UDP and TCP; 0 picks a free one (default: ${DEFAULT-VALUE}, not 53 so that "
                    + "no root is needed).")
    int port = 10053;

    @Option(
            names = "--ttl",
            defaultValue = "30",
            description = "TTL in seconds of every answer and of the SOA's negative-caching minimum "
                    + "(default: ${DEFAULT-VALUE}).")
    long ttl = 30;

    @Option(
            names = "--cluster-domain",
            defaultValue = "cluster.local",
            description = "The cluster's DNS zone (default: ${DEFAULT-VALUE}).")
    String clusterDomain = "cluster.local";
}
