package io.kubelite.controllers.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * client-go's {@code flowcontrol.Backoff} as the DaemonSet controller uses it for failed daemon pods
 * ({@code NewBackOff(1s, 15m)}, keyed by DaemonSet uid, observed generation and node): the first
 * failed pod on a node is replaced at once, and each further one within the current delay waits for
 * it, the delay doubling up to 15 minutes; an entry untouched for twice the maximum starts over.
 * Thread-safe.
 */
final class FailedPodBackoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(15);

    private record Entry(Duration delay, Instant lastUpdate) {}

    private final Map<String, Entry> entries = new HashMap<>();
    private final Clock clock;

    FailedPodBackoff(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    static String key(String dsUid, long observedGeneration, String node) {
        return dsUid + "/" + observedGeneration + "/" + node;
    }

    /** {@code IsInBackOffSinceUpdate}: less than the current delay has passed since the last {@link #next}. */
    synchronized boolean inBackoff(String key, Instant now) {
        Entry e = entries.get(key);
        return e != null && Duration.between(e.lastUpdate, now).compareTo(e.delay) < 0;
    }

    /** The current delay of {@code key} (zero when it has none). */
    synchronized Duration delay(String key) {
        Entry e = entries.get(key);
        return e == null ? Duration.ZERO : e.delay;
    }

    /** {@code Next}: starts at the initial delay, or doubles it (up to the maximum). */
    synchronized void next(String key, Instant now) {
        Entry e = entries.get(key);
        Duration d;
        if (e == null || Duration.between(e.lastUpdate, now).compareTo(MAX.multipliedBy(2)) > 0) {
            d = INITIAL;
        } else {
            d = e.delay.multipliedBy(2);
            if (d.compareTo(MAX) > 0) {
                d = MAX;
            }
        }
        entries.put(key, new Entry(d, now));
    }

    /** {@code GC}: forgets entries untouched for twice the maximum delay. */
    synchronized void gc(Instant now) {
        entries.values().removeIf(e -> Duration.between(e.lastUpdate, now).compareTo(MAX.multipliedBy(2)) > 0);
    }
}
