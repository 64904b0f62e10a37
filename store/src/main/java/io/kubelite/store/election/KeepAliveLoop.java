package io.kubelite.store.election;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.kubelite.store.Etcd;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one etcd lease alive with single LeaseKeepAlive calls, and knows until when the
 * lease is certainly alive on the server.
 *
 * <p>jetcd's streaming keepAlive hides failures (it retries quietly), so a leader could
 * not tell it had lost its lease. Here every renewal is one bounded call; the time a
 * renewal was <em>sent</em> (not answered) is what counts, because the server restarts
 * the TTL somewhere after that instant, so {@code sent + TTL} is a lower bound of the
 * server-side expiry. The local deadline {@code lastAckedSend + localDeadline} (with
 * localDeadline well below the TTL) is the moment a leader must consider itself deposed,
 * leaving it the rest of the TTL to actually stop before anybody else can win.
 *
 * <p>All methods run on the elector's state thread ({@code loop}); only
 * {@link #withinDeadline()} may be called from any thread.
 */
final class KeepAliveLoop {
    private static final Logger log = LoggerFactory.getLogger(KeepAliveLoop.class);

    private final Etcd etcd;
    private final long leaseId;
    private final Duration interval;
    private final long localDeadlineNanos;
    private final ScheduledExecutorService loop;
    private final Consumer<String> onLeaseGone;
    private volatile long lastAckedSendNanos;
    private ScheduledFuture<?> next;
    private int consecutiveFailures;
    private boolean stopped;

    /**
     * @param grantSentNanos when the grant that created the lease was sent: the lease is
     *                       alive at least until then + TTL
     * @param onLeaseGone    called (on {@code loop}) once when etcd says the lease no longer exists
     */
    KeepAliveLoop(
            Etcd etcd,
            long leaseId,
            Duration interval,
            Duration localDeadline,
            ScheduledExecutorService loop,
            long grantSentNanos,
            Consumer<String> onLeaseGone) {
        this.etcd = etcd;
        this.leaseId = leaseId;
        this.interval = interval;
        this.localDeadlineNanos = localDeadline.toNanos();
        this.loop = loop;
        this.onLeaseGone = onLeaseGone;
        this.lastAckedSendNanos = grantSentNanos;
    }

    void start() {
        // Counted from when the grant was sent, not answered: a slow grant (first
        // connection) must not push the first renewal past the local deadline.
        schedule(lastAckedSendNanos + interval.toNanos() - System.nanoTime());
    }

    void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    /** Monotonic instant (System.nanoTime) until which this lease is known to be alive with margin. */
    long deadlineNanos() {
        return lastAckedSendNanos + localDeadlineNanos;
    }

    /** True while no more than the local deadline has passed since the last acknowledged renewal was sent. */
    boolean withinDeadline() {
        return System.nanoTime() - deadlineNanos() < 0;
    }

    private void schedule(long delayNanos) {
        if (!stopped) {
            next = loop.schedule(this::renew, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }
    }

    private void renew() {
        if (stopped) {
            return;
        }
        long sent = System.nanoTime();
        // A renewal answered later than one interval is useless anyway; bound it so that a
        // hung etcd costs a retry, not the whole local deadline.
        Duration callDeadline = interval.dividedBy(2);
        etcd.call(leaseKey(), callDeadline, () -> etcd.client().getLeaseClient().keepAliveOnce(leaseId))
                .whenCompleteAsync((resp, err) -> onAnswer(sent, resp == null ? 0 : resp.getTTL(), err), loop);
    }

    private void onAnswer(long sent, long ttl, Throwable err) {
        if (stopped) {
            return;
        }
        if (err == null && ttl > 0) {
            consecutiveFailures = 0;
            if (sent - lastAckedSendNanos > 0) {
                lastAckedSendNanos = sent;
            }
            schedule(sent + interval.toNanos() - System.nanoTime());
            return;
        }
        if (err == null || leaseNotFound(err)) {
            stopped = true;
            onLeaseGone.accept("lease " + Long.toHexString(leaseId) + " no longer exists on the server");
            return;
        }
        consecutiveFailures++;
        log.debug(
                "keep-alive of lease {} failed ({} in a row): {}",
                Long.toHexString(leaseId),
                consecutiveFailures,
                err.toString());
        // Retry soon rather than after a whole interval: with interval = TTL/3 and the
        // deadline at 2/3 TTL, waiting a full interval would make one lost call fatal.
        schedule(Math.min(interval.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(250)));
    }

    private String leaseKey() {
        return "lease/" + Long.toHexString(leaseId);
    }

    /** jetcd turns a keep-alive answered with TTL 0 into an EtcdException NOT_FOUND. */
    static boolean leaseNotFound(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("requested lease not found")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
