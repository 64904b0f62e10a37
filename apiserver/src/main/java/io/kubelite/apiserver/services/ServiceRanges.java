package io.kubelite.apiserver.services;

/**
 * Where Services' addresses come from: ClusterIPs from {@code ips}, node ports from
 * {@code nodePorts}. Every API server replica of a cluster must be given the same ranges.
 */
public record ServiceRanges(ServiceCidr ips, NodePortRange nodePorts) {
    public static final ServiceRanges DEFAULT = new ServiceRanges(ServiceCidr.DEFAULT, NodePortRange.DEFAULT);
}
