package io.kubelite.kubelet.stats;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One metric family being collected, as a Go const-metric collector emits them: samples are
 * added one at a time, each with its labels and, where the source has one, its explicit sample
 * timestamp. A family with no samples yields nothing, as a Go registry writes no empty family.
 * Not thread-safe: one per scrape.
 */
final class MetricFamily {
    /** No explicit sample timestamp: the scraper stamps the sample. */
    static final long NO_TIMESTAMP = 0;

    private final String name;
    private final String help;
    private final boolean counter;
    private final List<CounterDataPointSnapshot> counters = new ArrayList<>();
    private final List<GaugeDataPointSnapshot> gauges = new ArrayList<>();

    private MetricFamily(String name, String help, boolean counter) {
        this.name = name;
        this.help = help;
        this.counter = counter;
    }

    /** A counter; {@code name} without the {@code _total} the writers add. */
    static MetricFamily counter(String name, String help) {
        return new MetricFamily(name, help, true);
    }

    static MetricFamily gauge(String name, String help) {
        return new MetricFamily(name, help, false);
    }

    /** Adds a sample; {@code timestampMillis} {@link #NO_TIMESTAMP} for none. */
    MetricFamily add(double value, Labels labels, long timestampMillis) {
        if (counter) {
            CounterDataPointSnapshot.Builder b =
                    CounterDataPointSnapshot.builder().value(value).labels(labels);
            if (timestampMillis != NO_TIMESTAMP) {
                b.scrapeTimestampMillis(timestampMillis);
            }
            counters.add(b.build());
        } else {
            GaugeDataPointSnapshot.Builder b =
                    GaugeDataPointSnapshot.builder().value(value).labels(labels);
            if (timestampMillis != NO_TIMESTAMP) {
                b.scrapeTimestampMillis(timestampMillis);
            }
            gauges.add(b.build());
        }
        return this;
    }

    /** Adds the family to {@code out} if it has samples. */
    void addTo(List<MetricSnapshot> out) {
        if (counter && !counters.isEmpty()) {
            out.add(new CounterSnapshot(new MetricMetadata(name, help), counters));
        } else if (!counter && !gauges.isEmpty()) {
            out.add(new GaugeSnapshot(new MetricMetadata(name, help), gauges));
        }
    }
}
