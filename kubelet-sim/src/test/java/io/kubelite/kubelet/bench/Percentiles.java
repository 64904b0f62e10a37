package io.kubelite.kubelet.bench;

import java.util.Arrays;

/** p50/p99/max of a set of nanosecond samples, printed in milliseconds. */
record Percentiles(int count, double p50Ms, double p99Ms, double maxMs) {
    static Percentiles of(long[] nanos) {
        if (nanos.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Percentiles(
                s.length,
                s[s.length / 2] / 1e6,
                s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6,
                s[s.length - 1] / 1e6);
    }

    @Override
    public String toString() {
        return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)", p50Ms, p99Ms, maxMs, count);
    }
}
