package io.kubelite.store.queue;

import io.kubelite.store.runtime.KubeBuckets;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where {@link WorkQueue}s publish client-go's workqueue metrics, with kube's names and the
 * queue's name as label {@code name}: {@code workqueue_depth}, {@code workqueue_adds_total},
 * {@code workqueue_retries_total}, {@code workqueue_queue_duration_seconds} (added → handed
 * out), {@code workqueue_work_duration_seconds} (handed out → done),
 * {@code workqueue_unfinished_work_seconds} and
 * {@code workqueue_longest_running_processor_seconds}; histograms use client-go's buckets
 * (10 ns to 10 s, ×10).
 *
 * <p>A queue's meters live as long as the queue: closing it removes them, so that a controller
 * rebuilt for the next leadership term registers its new queue's meters rather than finding
 * the old queue's (Micrometer would hand back the existing meter, bound to the dead queue).
 */
public final class WorkQueueMetrics {
    /** Publishes nothing. */
    public static final WorkQueueMetrics NONE = new WorkQueueMetrics(null);

    /** client-go's {@code ExponentialBuckets(10e-9, 10, 10)}. */
    private static final Duration[] BUCKETS = KubeBuckets.exponential(Duration.ofNanos(10), 10, 10);

    private final MeterRegistry registry;

    private WorkQueueMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Publishes every queue built with it into {@code registry}. */
    public static WorkQueueMetrics of(MeterRegistry registry) {
        return new WorkQueueMetrics(java.util.Objects.requireNonNull(registry, "registry"));
    }

    /** What a queue records its keys' timings into; {@link #close} unregisters the queue's meters. */
    interface Recorder extends AutoCloseable {
        void queued(long nanos);

        void worked(long nanos);

        @Override
        void close();
    }

    private static final Recorder NOOP = new Recorder() {
        @Override
        public void queued(long nanos) {}

        @Override
        public void worked(long nanos) {}

        @Override
        public void close() {}
    };

    /** Registers {@code q}'s meters. */
    Recorder register(WorkQueue<?> q) {
        if (registry == null) {
            return NOOP;
        }
        String name = q.name();
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("workqueue_depth", q, WorkQueue::len)
                .description("Current depth of workqueue")
                .tag("name", name)
                .register(registry));
        meters.add(FunctionCounter.builder("workqueue_adds_total", q, WorkQueue::adds)
                .description("Total number of adds handled by workqueue")
                .tag("name", name)
                .register(registry));
        meters.add(FunctionCounter.builder("workqueue_retries_total", q, WorkQueue::retries)
                .description("Total number of retries handled by workqueue")
                .tag("name", name)
                .register(registry));
        meters.add(Gauge.builder("workqueue_unfinished_work_seconds", q, x -> x.unfinishedWorkNanos() / 1e9)
                .description("How many seconds of work has been done that is in progress and hasn't been observed by"
                        + " work_duration. Large values indicate stuck threads.")
                .tag("name", name)
                .register(registry));
        meters.add(Gauge.builder("workqueue_longest_running_processor_seconds", q, x -> x.longestRunningNanos() / 1e9)
                .description("How many seconds has the longest running processor for workqueue been running.")
                .tag("name", name)
                .register(registry));
        Timer queued = Timer.builder("workqueue_queue_duration")
                .description("How long in seconds an item stays in workqueue before being requested.")
                .tag("name", name)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        Timer worked = Timer.builder("workqueue_work_duration")
                .description("How long in seconds processing an item from workqueue takes.")
                .tag("name", name)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        meters.add(queued);
        meters.add(worked);
        return new Recorder() {
            @Override
            public void queued(long nanos) {
                queued.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void worked(long nanos) {
                worked.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                meters.forEach(registry::remove);
            }
        };
    }
}
