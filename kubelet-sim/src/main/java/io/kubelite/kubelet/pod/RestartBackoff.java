package io.kubelite.kubelet.pod;

import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.store.backoff.ExponentialBackoff;
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
    private final ExponentialBackoff policy;
    /** Restarts since the back-off last started over; 0 before the first. */
    private int restarts;

    private long lastUpdate = -1;

    RestartBackoff(long initialMillis, long maxMillis) {
        long initial = Math.max(1, initialMillis);
        this.policy =
                new ExponentialBackoff(Duration.ofMillis(initial), Duration.ofMillis(Math.max(initial, maxMillis)));
    }

    /** The kubelet's: 10 s doubling up to 5 min, shrunk by the time scale. */
    static RestartBackoff kubelet(TimeScale scale) {
        return new RestartBackoff(scale.millis(Duration.ofSeconds(10)), scale.millis(Duration.ofMinutes(5)));
    }

    private boolean expired(long eventTime) {
        return lastUpdate < 0 || eventTime - lastUpdate > 2 * policy.max().toMillis();
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
        long backoff = current();
        return since < backoff ? backoff - since : 0;
    }

    /** The back-off currently in force (for the CrashLoopBackOff message). */
    long current() {
        return restarts == 0 ? 0 : policy.delay(restarts).toMillis();
    }

    /** Records a restart for an exit at {@code finishedAt}: the next back-off doubles (or starts at 10 s). */
    void next(long finishedAt) {
        restarts = expired(finishedAt) ? 1 : Math.min(Integer.MAX_VALUE - 1, restarts) + 1;
        lastUpdate = finishedAt;
    }

    /** Rebuilds the state after a simulator restart from a container's restart count. */
    void restore(int restartCount, long lastFinishedAt) {
        if (restartCount <= 0) {
            return;
        }
        restarts = restartCount;
        lastUpdate = lastFinishedAt;
    }
}
