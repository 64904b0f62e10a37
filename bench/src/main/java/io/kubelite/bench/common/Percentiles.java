package io.kubelite.bench.common;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of nanosecond samples, printed in milliseconds. */
public record Percentiles(int count, long p50, long p99, long max) {
    public static Percentiles of(long[] nanos) {
        if (nanos.length == 0) {
            return new Percentiles(0, 0, 0, 0);
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Percentiles(s.length, rank(s, 0.50), rank(s, 0.99), s[s.length - 1]);
    }

    private static long rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** {@code p50 / p99 (max)} in milliseconds, one decimal. */
    public String millis() {
        return millis(1);
    }

    /** The same with {@code decimals} decimals (sub-millisecond figures such as DNS answers). */
    public String millis(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(f + " / " + f + " ms (max " + f + ")", p50 / 1e6, p99 / 1e6, max / 1e6);
    }
}
