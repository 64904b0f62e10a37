package io.kubelite.apiserver.flowcontrol;

import io.kubelite.store.runtime.KubeBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * kube's flow-control metrics, labelled by priority level and FlowSchema only (never by user:
 * the label sets stay bounded): requests queued and executing now, refusals by reason, and how
 * long requests waited for a seat ({@code execute} = whether they then ran).
 */
final class FlowControlMetrics {
    private static final Duration[] WAIT_BUCKETS = KubeBuckets.requestLatency();

    private final MeterRegistry registry;

    FlowControlMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Gauges of {@code level}'s requests queued and executing now, read from the controller. */
    void gauges(PriorityLevel level, Supplier<Number> queued, Supplier<Number> executing) {
        Gauge.builder("apiserver_flowcontrol_current_inqueue_requests", queued)
                .description("Number of requests currently pending in queues of the API Priority and Fairness"
                        + " subsystem")
                .tags("priority_level", level.levelName(), "flow_schema", level.flowSchema())
                .register(registry);
        Gauge.builder("apiserver_flowcontrol_current_executing_requests", executing)
                .description("Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage"
                        + " in the API Priority and Fairness subsystem")
                .tags("priority_level", level.levelName(), "flow_schema", level.flowSchema())
                .register(registry);
    }

    void rejected(PriorityLevel level, Rejection why) {
        Counter.builder("apiserver_flowcontrol_rejected_requests_total")
                .description("Number of requests rejected by API Priority and Fairness subsystem")
                .tags("priority_level", level.levelName(), "flow_schema", level.flowSchema(), "reason", why.label())
                .register(registry)
                .increment();
    }

    /** A request left its queue after {@code nanos}: to run ({@code executed}) or not. */
    void waited(PriorityLevel level, boolean executed, long nanos) {
        Timer.builder("apiserver_flowcontrol_request_wait_duration")
                .description("Length of time a request spent waiting in its queue")
                .tags(
                        "priority_level",
                        level.levelName(),
                        "flow_schema",
                        level.flowSchema(),
                        "execute",
                        Boolean.toString(executed))
                .serviceLevelObjectives(WAIT_BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
