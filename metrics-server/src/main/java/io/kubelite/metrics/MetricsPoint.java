package io.kubelite.metrics;

import java.time.Instant;

/**
 * One sample of a node or container, as metrics-server's {@code storage.MetricsPoint}: when it was
 * taken, when the container started ({@link Instant#EPOCH} for a node: nodes are never treated as
 * fresh), the cumulative CPU time in core-nanoseconds and the memory working set in bytes.
 */
public record MetricsPoint(Instant startTime, Instant timestamp, long cumulativeCpuUsed, long memoryUsage) {}
