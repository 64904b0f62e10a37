package io.kubelite.controllers.util;

import io.kubelite.store.queue.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Requeues keys after a delay measured on a controller's {@link Clock} (kube's delaying queue
 * built with the controller's clock). On the system clock this is the queue's own
 * {@code addAfter}; on a {@link ManualClock} the key waits until the clock is advanced past its
 * time, however little real time passes. Thread-safe; {@link #close()} stops listening.
 */
public final class ClockTimers<K> implements AutoCloseable {
    private final Clock clock;
    private final WorkQueue<K> queue;
    private final Map<K, Instant> due = new HashMap<>();
    private final Runnable listener = this::fire;

    public ClockTimers(Clock clock, WorkQueue<K> queue) {
        this.clock = clock;
        this.queue = queue;
        if (clock instanceof ManualClock m) {
            m.onChange(listener);
        }
    }

    /** Adds {@code key} to the queue once {@code delay} has passed on the clock (at once when not positive). */
    public void addAfter(K key, Duration delay) {
        addAt(key, clock.instant().plus(delay));
    }

    /**
     * Adds {@code key} to the queue when the clock reaches {@code at} (at once when it has). Callers
     * compute {@code at} from the instant their decision used, not from the clock when they get
     * here: a clock that moves in between must not push the wake-up past the moment it was for.
     */
    public void addAt(K key, Instant at) {
        Instant now = clock.instant();
        if (!at.isAfter(now)) {
            queue.add(key);
            return;
        }
        if (clock instanceof ManualClock) {
            synchronized (this) {
                due.merge(key, at, (a, b) -> a.isBefore(b) ? a : b);
            }
            // the clock may have moved (and fired) since we read it
            if (!at.isAfter(clock.instant())) {
                fire();
            }
        } else {
            queue.addAfter(key, Duration.between(now, at));
        }
    }

    private void fire() {
        Instant now = clock.instant();
        List<K> ready = new ArrayList<>();
        synchronized (this) {
            due.entrySet().removeIf(e -> {
                if (!e.getValue().isAfter(now)) {
                    ready.add(e.getKey());
                    return true;
                }
                return false;
            });
        }
        ready.forEach(queue::add);
    }

    @Override
    public void close() {
        if (clock instanceof ManualClock m) {
            m.removeListener(listener);
        }
    }
}
