package io.kubelite.dashboard.view;

import io.kubelite.dashboard.cache.ClusterCache;
import io.kubelite.dashboard.metrics.NodeMetricsPoller;

/**
 * What views are built from: the list+watch caches and the polled node metrics; {@code
 * clusterDomain} is the cluster DNS's domain (for Services' DNS names).
 */
public record ViewContext(ClusterCache caches, NodeMetricsPoller nodeMetrics, String clusterDomain) {
    public ViewContext(ClusterCache caches, NodeMetricsPoller nodeMetrics) {
        this(caches, nodeMetrics, "cluster.local");
    }
}
