package io.kubelite.metrics;

import java.time.Duration;

/**
 * Go's {@code time.Duration.String()}, the form of a {@code metav1.Duration} in JSON (the metrics'
 * {@code window}): {@code 15s}, {@code 20.064s}, {@code 1m0.5s}, {@code 1h0m0s}, {@code 500ms},
 * {@code 0s}.
 */
public final class GoDurations {
    private GoDurations() {}

    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000L) {
            return sign + n + "ns";
        }
        if (n < 1_000_000L) {
            return sign + fraction(n, 1_000L) + "µs";
        }
        if (n < 1_000_000_000L) {
            return sign + fraction(n, 1_000_000L) + "ms";
        }
        long hours = n / 3_600_000_000_000L;
        long minutes = n / 60_000_000_000L % 60;
        long secNanos = n % 60_000_000_000L;
        StringBuilder b = new StringBuilder(sign);
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        return b.append(fraction(secNanos, 1_000_000_000L)).append('s').toString();
    }

    /** {@code v / unit} with the fraction's trailing zeros dropped ({@code 20.064}, {@code 15}). */
    private static String fraction(long v, long unit) {
        long whole = v / unit;
        long rest = v % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        int digits = Long.toString(unit).length() - 1;
        String f = String.format("%0" + digits + "d", rest).replaceAll("0+$", "");
        return whole + "." + f;
    }
}
