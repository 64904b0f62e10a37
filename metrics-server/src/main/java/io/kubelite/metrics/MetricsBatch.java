package io.kubelite.metrics;

import java.util.Map;

/**
 * What one scrape cycle got, as metrics-server's {@code storage.MetricsBatch}: a point per node,
 * and per pod a point per container name.
 */
public record MetricsBatch(Map<String, MetricsPoint> nodes, Map<PodRef, Map<String, MetricsPoint>> pods) {
    public MetricsBatch {
        nodes = Map.copyOf(nodes);
        pods = Map.copyOf(pods);
    }
}
