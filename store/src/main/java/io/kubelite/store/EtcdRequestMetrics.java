package io.kubelite.store;

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

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(200),
        Duration.ofMillis(400),
        Duration.ofMillis(600),
        Duration.ofMillis(800),
        Duration.ofMillis(1000),
        Duration.ofMillis(1250),
        Duration.ofMillis(1500),
        Duration.ofSeconds(2),
        Duration.ofSeconds(3),
        Duration.ofSeconds(4),
        Duration.ofSeconds(5),
        Duration.ofSeconds(6),
        Duration.ofSeconds(8),
        Duration.ofSeconds(10),
        Duration.ofSeconds(15),
        Duration.ofSeconds(20),
        Duration.ofSeconds(30),
        Duration.ofSeconds(45),
        Duration.ofSeconds(60)
    };

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
