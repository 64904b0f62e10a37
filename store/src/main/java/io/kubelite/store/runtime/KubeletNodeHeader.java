package io.kubelite.store.runtime;

/**
 * The request header naming which simulated node a kubelet request is for. One kubelet-sim
 * process serves all its nodes on one port (every node advertises it as
 * {@code daemonEndpoints.kubeletEndpoint.Port} on 127.0.0.1), so a per-node endpoint such as
 * {@code /metrics/resource} or {@code /stats/summary} cannot tell its node from the address the
 * way a real kubelet can. The API server's node proxy sets it to the proxied node's name; any
 * other client of a kubelet-sim port (a metrics scraper) sets it the same way. Kept here because
 * both the kubelet-sim and the API server depend on this module and neither on the other.
 */
public final class KubeletNodeHeader {
    /** The header's name. */
    public static final String NAME = "X-Kubelite-Node";

    private KubeletNodeHeader() {}
}
