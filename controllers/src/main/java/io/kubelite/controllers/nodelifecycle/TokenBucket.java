package io.kubelite.controllers.nodelifecycle;

/**
 * A token bucket (client-go's {@code flowcontrol.NewTokenBucketRateLimiter}): {@code qps}
 * tokens per second up to {@code burst}; starts full. A qps of 0 never accepts.
 * Thread-safe.
 */
public final class TokenBucket {
    private final double qps;
    private final int burst;
    private double tokens;
    private long last;

    public TokenBucket(double qps, int burst) {
        this.qps = qps;
        this.burst = burst;
        this.tokens = qps > 0 ? burst : 0;
        this.last = System.nanoTime();
    }

    public double qps() {
        return qps;
    }

    public synchronized boolean tryAccept() {
        if (qps <= 0) {
            return false;
        }
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Empties the bucket (used when swapping a limiter that was waiting). */
    public synchronized void drain() {
        tokens = 0;
        last = System.nanoTime();
    }
}
