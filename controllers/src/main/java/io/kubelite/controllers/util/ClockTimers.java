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
        if (delay.isNegative() || delay.isZero()) {
            queue.add(key);
            return;
        }
        if (clock instanceof ManualClock) {
            Instant at = clock.instant().plus(delay);
            synchronized (this) {
                due.merge(key, at, (a, b) -> a.isBefore(b) ? a : b);
            }
        } else {
            queue.addAfter(key, delay);
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
