package io.kubelite.store.backoff;

import java.time.Duration;
import java.util.Objects;

/**
 * The one retry delay policy of kubelite: the n-th consecutive retry waits
 * {@code base * 2^(n-1)}, capped at {@code max}. Immutable and stateless; a caller counts
 * its retries ({@code WorkQueue} per key, {@link Backoff} per retry loop).
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

    /**
     * Re-listing and re-watching etcd (informers, watch caches, resource watches) and a
     * client's re-watch of an API server: 100 ms doubling up to 5 s, so a recovered peer is
     * back in use within seconds.
     */
    public static final ExponentialBackoff LIST_RETRY = new ExponentialBackoff(DEFAULT_BASE, Duration.ofSeconds(5));

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

    /**
     * {@link #delay} drawn at random from its upper half, [d/2, d], so that many clients cut
     * off together do not retry in lockstep.
     */
    public Duration jitteredDelay(int attempt) {
        long n = delay(attempt).toNanos();
        return Duration.ofNanos(
                n / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(n / 2 + 1));
    }
}
