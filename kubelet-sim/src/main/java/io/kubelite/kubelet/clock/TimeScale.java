package io.kubelite.kubelet.clock;

import java.time.Duration;

/**
 * {@code --time-scale}: every kubelet duration (probe periods and timeouts, back-off,
 * grace periods, heartbeats, and the sleeps of simulated programs) is divided by the
 * factor. 1 is real time; 10 runs a 30 s scenario in 3 s.
 */
public record TimeScale(double factor) {
    public static final TimeScale REAL = new TimeScale(1);

    public TimeScale {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("--time-scale must be a positive number, got " + factor);
        }
    }

    public long millis(Duration d) {
        return Math.round(d.toMillis() / factor);
    }

    public long millisOfSeconds(double seconds) {
        return Math.round(seconds * 1000 / factor);
    }

    /** Scaled duration in real milliseconds back to the simulated (unscaled) duration. */
    public long unscaledMillis(long realMillis) {
        return Math.round(realMillis * factor);
    }
}
