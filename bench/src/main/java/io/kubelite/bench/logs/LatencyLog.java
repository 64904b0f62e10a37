package io.kubelite.bench.logs;

import io.kubelite.bench.common.Percentiles;
import java.util.Arrays;

/** Nanosecond samples from many threads, for {@link Percentiles}. Grows as needed; thread-safe. */
final class LatencyLog {
    private long[] samples = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized int size() {
        return size;
    }

    synchronized Percentiles percentiles() {
        return Percentiles.of(Arrays.copyOf(samples, size));
    }
}
