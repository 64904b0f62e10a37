package io.kubelite.dashboard.metrics;

/** One node's usage from {@code metrics.k8s.io}: CPU in millicores, memory in bytes. */
public record NodeUsage(long cpuMillis, long memoryBytes) {}
