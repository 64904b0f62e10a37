package io.kubelite.bench.density;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of a set of latencies in nanoseconds (CL2 reports p50, p90 and p99),
 * read in milliseconds. Empty sets read as 0 with a count of 0.
 */
record Latencies(long[] sorted) {
    static Latencies of(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Latencies(s);
    }

    int count() {
        return sorted.length;
    }

    /** The {@code q}-quantile (0 < q ≤ 1) in milliseconds. */
    double millis(double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** {@code p50 / p90 / p99 ms}, one decimal. */
    String describe() {
        return String.format("%8.1f / %8.1f / %8.1f ms", millis(0.50), millis(0.90), millis(0.99));
    }
}
