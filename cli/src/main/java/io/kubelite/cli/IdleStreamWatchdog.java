package io.kubelite.cli;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends a response stream that has delivered nothing for a while, so that a reader blocked on
 * a connection to a frozen server (SIGSTOPped, or cut off without a reset: its TCP connection
 * stays open and silent forever) gets end-of-stream and can reconnect. An API server that
 * is alive sends events or bookmarks; a watch asks for bookmarks, so silence longer than the
 * server's bookmark interval means the server is gone or stuck.
 *
 * <p>Use: {@link #guard} the stream when it opens, {@link #touch} after every read that
 * returned data, {@link #close} when done (idempotent; stops the one daemon thread it owns).
 * An idle time of zero disables it: no thread, streams are never closed.
 */
final class IdleStreamWatchdog implements AutoCloseable {
    private final long idleNanos;
    private final ScheduledExecutorService timer;
    private volatile InputStream guarded;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean fired;

    IdleStreamWatchdog(Duration idle) {
        this.idleNanos = idle.toNanos();
        if (idle.isZero()) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kl-watch-idle");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, idle.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** From now on, {@code in} is closed when it stays silent for the idle time. */
    void guard(InputStream in) {
        fired = false;
        lastActivity = System.nanoTime();
        guarded = in;
    }

    /** Data arrived. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** True when the watchdog closed the last guarded stream (rather than the server ending it). */
    boolean fired() {
        return fired;
    }

    private void check() {
        InputStream in = guarded;
        if (in != null && System.nanoTime() - lastActivity > idleNanos) {
            guarded = null;
            fired = true;
            try {
                in.close(); // a reader blocked in read() gets end-of-stream
            } catch (IOException ignored) {
                // closing a dead stream: nothing to report
            }
        }
    }

    @Override
    public void close() {
        guarded = null;
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
