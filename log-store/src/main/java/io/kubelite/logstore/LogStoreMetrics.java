package io.kubelite.logstore;

import io.kubelite.store.runtime.KubeBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log-store's meters, in Prometheus names: {@code kubelite_logstore_lines_ingested_total},
 * {@code kubelite_logstore_duplicate_lines_total}, {@code kubelite_logstore_lines_discarded_total{reason}},
 * {@code kubelite_logstore_bytes_on_disk}, {@code kubelite_logstore_partitions},
 * {@code kubelite_logstore_commit_duration_seconds} and
 * {@code kubelite_logstore_query_duration_seconds{endpoint}} (kube-apiserver's latency buckets).
 */
final class LogStoreMetrics {
    private final MeterRegistry registry;
    private final Counter ingested;
    private final Counter duplicates;
    private final Counter tooOld;
    private final Timer commits;
    private final AtomicLong bytesOnDisk = new AtomicLong();
    private final AtomicLong partitions = new AtomicLong();

    LogStoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        ingested = Counter.builder("kubelite_logstore_lines_ingested")
                .description("Lines stored (duplicates and too-old lines not counted)")
                .register(registry);
        duplicates = Counter.builder("kubelite_logstore_duplicate_lines")
                .description("Lines received again and not stored a second time")
                .register(registry);
        tooOld = Counter.builder("kubelite_logstore_lines_discarded")
                .description("Lines acknowledged but not stored")
                .tag("reason", "too_old")
                .register(registry);
        commits = Timer.builder("kubelite_logstore_commit_duration")
                .description("Time of one group commit (all partitions written since the last one, fsynced)")
                .serviceLevelObjectives(KubeBuckets.requestLatency())
                .register(registry);
        Gauge.builder("kubelite_logstore_bytes_on_disk", bytesOnDisk, AtomicLong::get)
                .description("Size of the index files under --data-dir")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("kubelite_logstore_partitions", partitions, AtomicLong::get)
                .description("Time partitions on disk")
                .register(registry);
    }

    void stored(int accepted, int duplicate, int old) {
        ingested.increment(accepted);
        duplicates.increment(duplicate);
        tooOld.increment(old);
    }

    void committed(long nanos) {
        commits.record(nanos, TimeUnit.NANOSECONDS);
    }

    void disk(long bytes, int partitionCount) {
        bytesOnDisk.set(bytes);
        partitions.set(partitionCount);
    }

    void query(String endpoint, long nanos) {
        Timer.builder("kubelite_logstore_query_duration")
                .description("Latency of query endpoints, from request to response")
                .tag("endpoint", endpoint)
                .serviceLevelObjectives(KubeBuckets.requestLatency())
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
