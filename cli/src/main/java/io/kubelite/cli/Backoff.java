package io.kubelite.cli;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential back-off: each {@link #next} is a random delay in [d/2, d], where d
 * starts at {@code initialMillis} and doubles up to {@code maxMillis}; {@link #reset} after
 * a success. Jitter keeps many clients of one failed server from reconnecting in lockstep.
 * Not thread-safe: one per retry loop.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long current;

    Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initialMillis + ", " + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.current = initialMillis;
    }

    /** The delay before the next attempt; doubles the ceiling for the one after. */
    long next() {
        long d = current;
        current = Math.min(maxMillis, current * 2);
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    void reset() {
        current = initialMillis;
    }
}
