package io.kubelite.metrics;

import java.time.Duration;
import java.time.Instant;

/**
 * A node's or container's usage as metrics-server serves it: CPU as a rate in nanocores over
 * {@code window} (the time between the two cumulative samples), memory as the latest working set,
 * {@code timestamp} the later sample's time.
 */
public record Usage(long nanoCores, long memoryBytes, Instant timestamp, Duration window) {
    /**
     * metrics-server's {@code resourceUsage}: the CPU rate between {@code prev} and {@code last},
     * or null when the cumulative counter went down (a counter reset: no rate can be told) or the
     * samples are not in time order.
     */
    static Usage between(MetricsPoint last, MetricsPoint prev) {
        if (last.cumulativeCpuUsed() < prev.cumulativeCpuUsed()) {
            return null;
        }
        Duration window = Duration.between(prev.timestamp(), last.timestamp());
        if (window.isNegative() || window.isZero()) {
            return null;
        }
        double seconds = window.toNanos() / 1e9;
        long rate = (long) ((last.cumulativeCpuUsed() - prev.cumulativeCpuUsed()) / seconds);
        return new Usage(rate, last.memoryUsage(), last.timestamp(), window);
    }
}
