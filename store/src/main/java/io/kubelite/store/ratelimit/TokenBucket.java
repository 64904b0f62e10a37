package io.kubelite.store.ratelimit;

/**
 * A token bucket (client-go's {@code flowcontrol.NewTokenBucketRateLimiter}): {@code qps}
 * tokens per second up to {@code burst}, starting full. One meaning for every user: a
 * bucket refills at a positive rate; "no limit" and "accept nothing" are their own
 * buckets ({@link #unlimited()}, {@link #closed()}), so each flag states what its 0 means
 * (kube's {@code --node-eviction-rate 0} evicts nothing, the kubelet's
 * {@code --event-qps 0} records without limit). Thread-safe.
 */
public final class TokenBucket {
    private final double qps;
    private final int burst;
    private double tokens;
    private long last;

    private TokenBucket(double qps, int burst, double tokens) {
        this.qps = qps;
        this.burst = burst;
        this.tokens = tokens;
        this.last = System.nanoTime();
    }

    /**
     * {@code qps} tokens per second, at most {@code burst} at once.
     *
     * @throws IllegalArgumentException unless qps &gt; 0 and burst &ge; 1
     */
    public static TokenBucket of(double qps, int burst) {
        if (!(qps > 0) || Double.isInfinite(qps)) {
            throw new IllegalArgumentException(
                    "a token bucket needs a positive, finite rate, got " + qps + " (use unlimited() or closed())");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a burst of at least 1, got " + burst);
        }
        return new TokenBucket(qps, burst, burst);
    }

    /** Accepts everything. */
    public static TokenBucket unlimited() {
        return new TokenBucket(Double.POSITIVE_INFINITY, Integer.MAX_VALUE, Double.POSITIVE_INFINITY);
    }

    /** Accepts nothing. */
    public static TokenBucket closed() {
        return new TokenBucket(0, 0, 0);
    }

    /** Tokens per second: 0 for {@link #closed()}, infinite for {@link #unlimited()}. */
    public double qps() {
        return qps;
    }

    public int burst() {
        return burst;
    }

    /** Takes a token if there is one. */
    public synchronized boolean tryAccept() {
        if (qps == 0) {
            return false;
        }
        if (Double.isInfinite(qps)) {
            return true;
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
        if (!Double.isInfinite(qps)) {
            tokens = 0;
            last = System.nanoTime();
        }
    }
}
