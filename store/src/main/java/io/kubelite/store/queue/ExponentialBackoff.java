package io.kubelite.store.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-key retry delay policy: the n-th consecutive retry of a key waits
 * {@code base * 2^(n-1)}, capped at {@code max}. Immutable and stateless; the
 * {@link WorkQueue} counts the retries.
 *
 * <p>The defaults (100 ms, 30 s) are deliberately not client-go's item limiter
 * (5 ms to 1000 s): 5 ms hammers etcd with a burst of useless retries on every conflict
 * storm, and a 16-minute cap makes a component look dead long after the cause is gone.
 * With 100 ms the cap is reached after nine failures, about 50 s after the first.
 *
 * @param base the first retry delay; positive
 * @param max  the largest delay; at least {@code base}
 */
public record ExponentialBackoff(Duration base, Duration max) {

    public static final Duration DEFAULT_BASE = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);

    public ExponentialBackoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("back-off base must be positive: " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("back-off max " + max + " is below base " + base);
        }
        if (max.compareTo(Duration.ofDays(365)) > 0) {
            // keeps all arithmetic in long nanoseconds far from overflow
            throw new IllegalArgumentException("back-off max above one year: " + max);
        }
    }

    /** 100 ms doubling up to 30 s. */
    public static ExponentialBackoff defaults() {
        return new ExponentialBackoff(DEFAULT_BASE, DEFAULT_MAX);
    }

    /**
     * The delay before retry number {@code attempt} (1 for the first retry).
     *
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
        }
        int shift = attempt - 1;
        long baseNanos = base.toNanos();
        long maxNanos = max.toNanos();
        // compare before shifting so a large attempt count cannot overflow into a small delay
        if (shift >= Long.SIZE - 1 || baseNanos > (maxNanos >> shift)) {
            return max;
        }
        return Duration.ofNanos(baseNanos << shift);
    }
}
