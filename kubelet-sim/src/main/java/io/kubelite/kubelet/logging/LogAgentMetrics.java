package io.kubelite.kubelet.logging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** The node log agents' counters, summed over the process's nodes. */
final class LogAgentMetrics {
    final Counter shipped;
    final Counter retried;
    final Counter droppedOverflow;
    final Counter droppedRefused;

    LogAgentMetrics(MeterRegistry registry, Supplier<Number> spoolBytes) {
        shipped = Counter.builder("kubelite_log_agent_shipped_lines")
                .description("Lines the log store acknowledged")
                .register(registry);
        retried = Counter.builder("kubelite_log_agent_retried_lines")
                .description("Lines sent again because a request to the log store failed")
                .register(registry);
        droppedOverflow = Counter.builder("kubelite_log_agent_dropped_lines")
                .description("Lines dropped unshipped")
                .tag("reason", "spool_overflow")
                .register(registry);
        droppedRefused = Counter.builder("kubelite_log_agent_dropped_lines")
                .description("Lines dropped unshipped")
                .tag("reason", "refused")
                .register(registry);
        Gauge.builder("kubelite_log_agent_spool_bytes", spoolBytes, s -> s.get().doubleValue())
                .description("Bytes in the nodes' log spools")
                .strongReference(true) // the supplier is a method reference nothing else holds
                .register(registry);
    }
}
