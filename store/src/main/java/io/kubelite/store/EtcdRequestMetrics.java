package io.kubelite.store;

import io.kubelite.store.runtime.KubeBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * kube-apiserver's {@code etcd_request_duration_seconds{operation, type}}: the latency of each
 * etcd request the typed store makes, by operation ({@code get}, {@code list}, {@code create},
 * {@code update}, {@code delete}, {@code deleteCollection}) and resource ({@code /registry/pods}),
 * with kube's buckets (5 ms to 60 s). Every kubelite process that reaches etcd records them, not
 * only the API server: each of them is an etcd client.
 */
public final class EtcdRequestMetrics {
    /** Records nothing. */
    public static final EtcdRequestMetrics NONE = new EtcdRequestMetrics(null);

    private static final Duration[] BUCKETS = KubeBuckets.requestLatency();

    private final MeterRegistry registry;

    private EtcdRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static EtcdRequestMetrics of(MeterRegistry registry) {
        return new EtcdRequestMetrics(java.util.Objects.requireNonNull(registry, "registry"));
    }

    /** Records one request that took {@code nanos}, whether it succeeded or not (kube records both). */
    void record(String operation, String type, long nanos) {
        if (registry == null) {
            return;
        }
        Timer.builder("etcd_request_duration")
                .description("Etcd request latency in seconds for each operation and object type.")
                .tag("operation", operation)
                .tag("type", type)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
