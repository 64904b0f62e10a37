package io.kubelite.dashboard.view;

import io.kubelite.dashboard.cache.ClusterCache;
import io.kubelite.dashboard.metrics.NodeMetricsPoller;

/** What views are built from: the list+watch caches and the polled node metrics. */
public record ViewContext(ClusterCache caches, NodeMetricsPoller nodeMetrics) {}
