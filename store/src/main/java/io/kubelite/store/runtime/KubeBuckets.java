package io.kubelite.store.runtime;

import java.time.Duration;

/**
 * Histogram buckets Kubernetes components use, for meters that carry kube's names: dashboards
 * and alerts written against kube's {@code le} labels read ours the same.
 */
public final class KubeBuckets {
    /**
     * kube-apiserver's request latency buckets (5 ms to 60 s), shared by
     * {@code apiserver_request_duration_seconds} and {@code etcd_request_duration_seconds}.
     */
    private static final double[] REQUEST_LATENCY_SECONDS = {
        0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60
    };

    private KubeBuckets() {}

    /** A fresh copy of kube-apiserver's request latency buckets. */
    public static Duration[] requestLatency() {
        Duration[] b = new Duration[REQUEST_LATENCY_SECONDS.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Duration.ofNanos(Math.round(REQUEST_LATENCY_SECONDS[i] * 1e9));
        }
        return b;
    }

    /** Prometheus' {@code ExponentialBuckets(start, factor, count)}. */
    public static Duration[] exponential(Duration start, long factor, int count) {
        Duration[] b = new Duration[count];
        long nanos = start.toNanos();
        for (int i = 0; i < count; i++) {
            b[i] = Duration.ofNanos(nanos);
            nanos *= factor;
        }
        return b;
    }
}
