package io.kubelite.scheduler;

import io.kubelite.scheduler.queue.SchedulingQueue;
import io.kubelite.store.runtime.KubeBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * kube-scheduler's own metrics, with its names and labels:
 *
 * <ul>
 *   <li>{@code scheduler_schedule_attempts_total{profile, result}} and
 *       {@code scheduler_scheduling_attempt_duration_seconds{profile, result}}: one per attempt,
 *       {@code result} {@code scheduled} (bound), {@code unschedulable} (no node fits) or
 *       {@code error} (the bind failed), timed from the pod leaving the queue;
 *   <li>{@code scheduler_pod_scheduling_duration_seconds{attempts}}: from the pod first entering
 *       the queue to its bind, labelled with the number of attempts it took;
 *   <li>{@code scheduler_pending_pods{queue}}: {@code active}, {@code backoff}, {@code unschedulable}
 *       and {@code gated} (always 0: no scheduling gates yet).
 * </ul>
 * Buckets are kube's (exponential from 1 ms, ×2, 15 buckets; from 10 ms ×2, 20 for the pod duration).
 */
final class SchedulerMetrics {
    static final String PROFILE = "default-scheduler";
    private static final Duration[] ATTEMPT_BUCKETS = KubeBuckets.exponential(Duration.ofMillis(1), 2, 15);
    private static final Duration[] POD_BUCKETS = KubeBuckets.exponential(Duration.ofMillis(10), 2, 20);

    private final MeterRegistry registry;
    private final String profile;

    private SchedulerMetrics(MeterRegistry registry, String profile) {
        this.registry = registry;
        this.profile = profile;
    }

    /** Metrics into {@code registry} for the scheduler profile {@code profile}; registers the pending-pods gauges of {@code queue}. */
    static SchedulerMetrics of(MeterRegistry registry, String profile, SchedulingQueue queue) {
        Gauge.builder("scheduler_pending_pods", queue, SchedulingQueue::activeCount)
                .description("Number of pending pods, by the queue type.")
                .tag("queue", "active")
                .register(registry);
        Gauge.builder("scheduler_pending_pods", queue, q -> q.waitingCount() - q.unschedulableCount())
                .tag("queue", "backoff")
                .register(registry);
        Gauge.builder("scheduler_pending_pods", queue, SchedulingQueue::unschedulableCount)
                .tag("queue", "unschedulable")
                .register(registry);
        Gauge.builder("scheduler_pending_pods", () -> 0).tag("queue", "gated").register(registry);
        return new SchedulerMetrics(registry, profile);
    }

    /** Records nothing (a scheduler built without a registry: tests, benchmarks). */
    static SchedulerMetrics none() {
        return new SchedulerMetrics(null, PROFILE);
    }

    /** One attempt that ended with {@code result}, {@code nanos} after its pod left the queue. */
    void attempt(String result, long nanos) {
        if (registry == null) {
            return;
        }
        Counter.builder("scheduler_schedule_attempts")
                .description("Number of attempts to schedule pods, by the result.")
                .tag("profile", profile)
                .tag("result", result)
                .register(registry)
                .increment();
        Timer.builder("scheduler_scheduling_attempt_duration")
                .description("Scheduling attempt latency in seconds (scheduling algorithm + binding)")
                .tag("profile", profile)
                .tag("result", result)
                .serviceLevelObjectives(ATTEMPT_BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A pod bound after {@code attempts} attempts, {@code nanos} after it first entered the queue. */
    void podScheduled(int attempts, long nanos) {
        if (registry == null) {
            return;
        }
        Timer.builder("scheduler_pod_scheduling_duration")
                .description("E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue"
                        + " and might involve multiple scheduling attempts.")
                .tag("attempts", Integer.toString(Math.min(attempts, 15)))
                .serviceLevelObjectives(POD_BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
