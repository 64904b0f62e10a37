package io.kubelite.kubelet.pod;

import io.kubelite.kubelet.clock.TimeScale;

import java.time.Duration;

/**
 * The kubelet's per-container back-off (client-go {@code flowcontrol.Backoff} as the
 * kubelet uses it): after the first exit a container restarts at once; after each
 * later exit it waits the current back-off from its finish time (10 s, 20 s, 40 s, ...
 * up to 5 min). A container that ran longer than twice the maximum (10 min) since the
 * last restart starts over at 10 s. Times are real milliseconds (already scaled).
 * Not thread-safe: owned by one pod worker.
 */
final class RestartBackoff {
    private final long initial;
    private final long max;
    private long backoff;
    private long lastUpdate = -1;

    RestartBackoff(long initialMillis, long maxMillis) {
        this.initial = Math.max(1, initialMillis);
        this.max = Math.max(this.initial, maxMillis);
    }

    /** The kubelet's: 10 s doubling up to 5 min, shrunk by the time scale. */
    static RestartBackoff kubelet(TimeScale scale) {
        return new RestartBackoff(scale.millis(Duration.ofSeconds(10)), scale.millis(Duration.ofMinutes(5)));
    }

    private boolean expired(long eventTime) {
        return lastUpdate < 0 || eventTime - lastUpdate > 2 * max;
    }

    /**
     * How long to wait, from now, before restarting a container that finished at
     * {@code finishedAt}; 0 means restart now, and then {@link #next} must be called.
     */
    long remaining(long finishedAt, long now) {
        if (expired(finishedAt)) {
            return 0;
        }
        long since = now - finishedAt;
        return since < backoff ? backoff - since : 0;
    }

    /** The back-off currently in force (for the CrashLoopBackOff message). */
    long current() {
        return backoff;
    }

    /** Records a restart for an exit at {@code finishedAt}: the next back-off doubles (or starts at 10 s). */
    void next(long finishedAt) {
        if (expired(finishedAt)) {
            backoff = initial;
        } else {
            backoff = Math.min(backoff * 2, max);
        }
        lastUpdate = finishedAt;
    }

    /** Rebuilds the state after a simulator restart from a container's restart count. */
    void restore(int restartCount, long lastFinishedAt) {
        if (restartCount <= 0) {
            return;
        }
        long b = initial;
        for (int i = 1; i < restartCount && b < max; i++) {
            b = Math.min(b * 2, max);
        }
        backoff = b;
        lastUpdate = lastFinishedAt;
    }
}
