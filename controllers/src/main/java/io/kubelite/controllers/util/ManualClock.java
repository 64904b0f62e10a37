package io.kubelite.controllers.util;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that moves only when told to (k8s.io/utils' {@code FakeClock}): controllers that take a
 * {@link Clock} run on it in tests, so back-offs of minutes and cron schedules pass in
 * milliseconds. Whoever schedules work on the clock ({@link ClockTimers}) listens for
 * {@link #advance}s. Thread-safe.
 */
public final class ManualClock extends Clock {
    private volatile Instant now;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward and tells the listeners. */
    public void advance(Duration d) {
        synchronized (this) {
            now = now.plus(d);
        }
        listeners.forEach(Runnable::run);
    }

    /** Sets the clock (forward or back) and tells the listeners. */
    public void set(Instant t) {
        now = t;
        listeners.forEach(Runnable::run);
    }

    /** Called after every change of the time. */
    public void onChange(Runnable r) {
        listeners.add(r);
    }

    public void removeListener(Runnable r) {
        listeners.remove(r);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
