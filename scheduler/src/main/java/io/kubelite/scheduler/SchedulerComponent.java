package io.kubelite.scheduler;

import io.kubelite.store.election.Leadership;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;

/**
 * The scheduler as a kubelite {@link Component}: informers at start, the scheduling loop
 * while leading (with the term's fence on every write), metrics and an
 * {@code informers-synced} readiness check.
 */
public final class SchedulerComponent implements Component {
    private final Function<String, SchedulerConfig> configFor;
    private volatile Scheduler scheduler;

    /** @param configFor builds the config from the process identity */
    public SchedulerComponent(Function<String, SchedulerConfig> configFor) {
        this.configFor = configFor;
    }

    @Override
    public void start(ComponentContext ctx) {
        Scheduler s = new Scheduler(ctx.etcd(), configFor.apply(ctx.identity()));
        scheduler = s;
        s.recordMetricsIn(ctx.meterRegistry());
        s.onFatal(e -> ctx.fatal("scheduling loop failed: " + e, e));
        s.start();
        ctx.readiness().add("informers-synced", s::hasSynced);
        MeterRegistry m = ctx.meterRegistry();
        FunctionCounter.builder("scheduler_pods_bound_total", s, Scheduler::boundCount)
                .description("Pods bound by this process")
                .register(m);
        FunctionCounter.builder("scheduler_bind_failures_total", s, Scheduler::bindFailures)
                .description("Bind txns that failed (conflict, fenced out, etcd error)")
                .register(m);
        FunctionCounter.builder("scheduler_events_dropped_total", s, Scheduler::eventsDropped)
                .description("Events dropped because too many writes were outstanding")
                .register(m);
        Gauge.builder("scheduler_binds_in_flight", s, Scheduler::bindsInFlight)
                .description("Bind txns outstanding")
                .register(m);
        Gauge.builder("scheduler_leading", s, x -> x.isLeading() ? 1 : 0)
                .description("1 while this process schedules")
                .register(m);
    }

    @Override
    public void onStartedLeading(Leadership term) {
        scheduler.startLeading(term.fence());
    }

    @Override
    public void onStoppedLeading() {
        Scheduler s = scheduler;
        if (s != null) {
            s.stopLeading();
        }
    }

    /** The running scheduler (null before start). */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        Scheduler s = scheduler;
        if (s != null) {
            s.close();
        }
    }
}
