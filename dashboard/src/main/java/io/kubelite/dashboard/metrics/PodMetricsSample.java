package io.kubelite.dashboard.metrics;

import java.util.Map;

/**
 * One PodMetrics reading: metrics-server's timestamp (the end of its window) and each container's
 * usage, CPU in millicores and memory (working set) in bytes.
 */
public record PodMetricsSample(String timestamp, Map<String, Usage> containers) {
    /** One container's usage: CPU in millicores, memory in bytes. */
    public record Usage(long cpuMillis, long memoryBytes) {}
}
