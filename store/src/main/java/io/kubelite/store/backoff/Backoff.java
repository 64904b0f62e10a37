package io.kubelite.store.backoff;

import java.time.Duration;

/**
 * One retry loop's back-off over an {@link ExponentialBackoff} policy: {@link #next} is the
 * delay before the next attempt (the policy's delay for the number of attempts made since
 * the last {@link #reset}), optionally jittered to a random delay in [d/2, d] so that many
 * clients of one failed server do not retry in lockstep. Not thread-safe: one per loop.
 */
public final class Backoff {
    private final ExponentialBackoff policy;
    private final boolean jitter;
    private int attempts;

    private Backoff(ExponentialBackoff policy, boolean jitter) {
        this.policy = policy;
        this.jitter = jitter;
    }

    /** Exactly the policy's delays. */
    public static Backoff of(ExponentialBackoff policy) {
        return new Backoff(policy, false);
    }

    /** The policy's delays, each drawn at random from its upper half. */
    public static Backoff jittered(ExponentialBackoff policy) {
        return new Backoff(policy, true);
    }

    /** The delay before the next attempt; the one after it doubles (up to the policy's max). */
    public Duration next() {
        if (attempts < Integer.MAX_VALUE) {
            attempts++;
        }
        return jitter ? policy.jitteredDelay(attempts) : policy.delay(attempts);
    }

    /** {@link #next} in milliseconds. */
    public long nextMillis() {
        return next().toMillis();
    }

    /** After a success: the next delay is the policy's first again. */
    public void reset() {
        attempts = 0;
    }
}
