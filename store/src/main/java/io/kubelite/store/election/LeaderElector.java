package io.kubelite.store.election;

import io.kubelite.store.Etcd;
import io.kubelite.store.FencedOutException;
import io.kubelite.store.StoreException;
import io.kubelite.store.backoff.ExponentialBackoff;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over etcd, the way etcd's {@code client/v3/concurrency} Election does
 * it: each candidate holds a key {@code <prefix>/_kubelite/leader/<name>/<leaseIdHex>}
 * under its own lease; the key with the lowest create_revision leads, and that
 * create_revision is the fencing token.
 *
 * <p>Lifecycle: LATENT → {@link #start()} → STARTED → {@link #close()} → CLOSED. Once
 * started, the elector campaigns until closed: after losing (lease gone, key deleted,
 * etcd unreachable) it steps down and joins again as a fresh candidate, with back-off.
 *
 * <p>Safety rests on the {@linkplain Leadership#fence() fence}, not on this object's
 * belief. {@link #isLeader()} and the listener are advisory: the elector steps down
 * when no keep-alive has been acknowledged for 2/3 of the lease duration (measured with
 * a monotonic clock from when the renewal was sent), which is before the lease can
 * expire on the server, but a process paused longer than that (GC, SIGSTOP) can act
 * before it notices. Only fenced writes are safe against that.
 *
 * <p>Threads: the election runs on one state thread; listener callbacks run in order on
 * a second thread, so a slow callback never delays keep-alives. Both are owned by this
 * elector and stop at {@link #close()}.
 */
public final class LeaderElector implements Elector {
    private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);
    private static final Duration MIN_LEASE = Duration.ofSeconds(1);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    /** The campaign that leads and the leadership it won; replaced, never mutated. */
    private record Term(Campaign campaign, Leadership leadership) {}

    private final Etcd etcd;
    private final String electionName;
    private final String identity;
    private final Duration leaseDuration;
    /** Re-campaign delays: 100 ms doubling up to the lease. */
    private final ExponentialBackoff retry;

    private final LeadershipListener listener;
    private final LeaderRecordPublisher publisher;
    private final String electionPrefix;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final ScheduledExecutorService loop;
    private final ExecutorService callbacks;
    private volatile Thread callbackThread;
    private volatile Term term;

    // confined to the state thread
    private Campaign current;
    private ScheduledFuture<?> publishTask;
    private int failedAttempts;

    /** An elector that publishes no Lease object ({@link LeaderRecordPublisher#NOOP}). */
    public LeaderElector(
            Etcd etcd, String electionName, String identity, Duration leaseDuration, LeadershipListener listener) {
        this(etcd, electionName, identity, leaseDuration, listener, LeaderRecordPublisher.NOOP);
    }

    /**
     * @param electionName  one path segment, e.g. {@code kube-scheduler}
     * @param identity      who this candidate is, for humans (stored as the key's value)
     * @param leaseDuration the lease TTL (rounded up to whole seconds on the server); at
     *                      least 1 s. Keep-alives go every third of it.
     * @param publisher     told when this elector wins and every few seconds while it leads
     */
    public LeaderElector(
            Etcd etcd,
            String electionName,
            String identity,
            Duration leaseDuration,
            LeadershipListener listener,
            LeaderRecordPublisher publisher) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.electionName = Objects.requireNonNull(electionName, "electionName");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        if (electionName.isEmpty() || electionName.contains("/")) {
            throw new IllegalArgumentException(
                    "electionName must be one non-empty path segment, got '" + electionName + "'");
        }
        if (leaseDuration.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException(
                    "leaseDuration must be at least " + MIN_LEASE + ", got " + leaseDuration);
        }
        this.retry = new ExponentialBackoff(MIN_BACKOFF, leaseDuration);
        this.electionPrefix = electionPrefix(etcd.prefix(), electionName);
        // jetcd completes futures on its own threads, possibly after close() shut the loop down:
        // such late callbacks have nothing left to do, so they are dropped, not thrown back at jetcd.
        this.loop = new ScheduledThreadPoolExecutor(
                1, r -> thread(r, "kubelite-elector-" + electionName), new ThreadPoolExecutor.DiscardPolicy());
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = thread(r, "kubelite-elector-" + electionName + "-callbacks");
            callbackThread = t;
            return t;
        });
    }

    /** The key prefix (ending in '/') all candidates of election {@code name} live under. */
    public static String electionPrefix(String storePrefix, String name) {
        return storePrefix + "/_kubelite/leader/" + name + "/";
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts campaigning. Returns at once; the listener hears when this process leads. */
    @Override
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("cannot start a leader elector that is " + state.get());
        }
        loop.execute(this::campaign);
    }

    /**
     * Whether this process leads right now, as far as it can tell: it won, and a
     * keep-alive was acknowledged recently enough that the lease is still alive.
     * Advisory only: by the time the caller acts on it, it may be false. Fence writes.
     */
    @Override
    public boolean isLeader() {
        Term t = term;
        return t != null && state.get() == State.STARTED && t.campaign().leadingWithinDeadline();
    }

    /** The current term while {@link #isLeader()}; empty otherwise. */
    public Optional<Leadership> leadership() {
        Term t = term;
        return t != null && isLeader() ? Optional.of(t.leadership()) : Optional.empty();
    }

    public String electionName() {
        return electionName;
    }

    public String identity() {
        return identity;
    }

    // ---- state thread ----

    private void campaign() {
        if (state.get() != State.STARTED) {
            return;
        }
        current = new Campaign(etcd, electionPrefix, identity, leaseDuration, loop, new Campaign.Events() {
            @Override
            public void onElected(Campaign campaign, Leadership leadership) {
                elected(campaign, leadership);
            }

            @Override
            public void onEnded(Campaign campaign, String reason) {
                ended(campaign, reason);
            }
        });
        current.start();
    }

    private void elected(Campaign campaign, Leadership leadership) {
        if (campaign != current || state.get() != State.STARTED) {
            return;
        }
        failedAttempts = 0;
        term = new Term(campaign, leadership);
        log.info(
                "became leader of {} with token {} (identity {}, key {})",
                electionName,
                leadership.token(),
                identity,
                leadership.key());
        onCallbackThread(() -> safely("onStartedLeading", () -> listener.onStartedLeading(leadership)));
        Duration every = publishInterval();
        publishTask = loop.scheduleWithFixedDelay(
                () -> publish(campaign, leadership), 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ended(Campaign campaign, String reason) {
        if (campaign != current) {
            return;
        }
        current = null;
        boolean wasLeading = stopLeading(reason);
        if (!wasLeading) {
            log.info("candidacy in {} ended: {}", electionName, reason);
            failedAttempts++;
        }
        // Give the key and lease back only after onStoppedLeading has returned, so the next
        // leader is not let in while this process still believes it leads.
        onCallbackThread(() -> campaign.release(etcd.requestTimeout()));
        if (state.get() == State.STARTED) {
            Duration delay = backoff();
            loop.schedule(this::campaign, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Clears the term and queues onStoppedLeading if there was one; true if it was leading. */
    private boolean stopLeading(String reason) {
        if (publishTask != null) {
            publishTask.cancel(false);
            publishTask = null;
        }
        Term t = term;
        if (t == null) {
            return false;
        }
        term = null;
        log.info(
                "lost leadership of {} (token {}): {}",
                electionName,
                t.leadership().token(),
                reason);
        onCallbackThread(() -> safely("onStoppedLeading", listener::onStoppedLeading));
        return true;
    }

    private Duration backoff() {
        if (failedAttempts == 0) {
            return MIN_BACKOFF;
        }
        // jittered so that candidates cut off together do not come back in lockstep
        return retry.jitteredDelay(failedAttempts + 1);
    }

    private Duration publishInterval() {
        Duration third = leaseDuration.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(2)) > 0 ? third : Duration.ofSeconds(2);
    }

    private void publish(Campaign campaign, Leadership leadership) {
        Term t = term;
        if (t == null || t.campaign() != campaign) {
            return;
        }
        CompletableFuture<Void> f;
        try {
            f = publisher.publish(leadership, identity, leaseDuration);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenCompleteAsync(
                (v, err) -> {
                    if (err == null) {
                        return;
                    }
                    if (StoreException.unwrap(err) instanceof FencedOutException) {
                        campaign.end("fenced out while publishing the leader record");
                    } else {
                        log.warn(
                                "publishing the leader record of {} failed (will retry): {}",
                                electionName,
                                err.toString());
                    }
                },
                loop);
    }

    private void onCallbackThread(Runnable r) {
        try {
            callbacks.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: close() has stepped down and released on its own
            log.debug("elector of {} closed; dropped a callback", electionName);
        }
    }

    private void safely(String what, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.error("{} of election {} threw", what, electionName, e);
        }
    }

    // ---- close ----

    /**
     * Steps down and leaves the election: if leading, onStoppedLeading runs (and is waited
     * for, unless close is called from a callback), then the candidate key is deleted and
     * the lease revoked so the next candidate can lead at once. Bounded by the request
     * deadline of {@code etcd}; if etcd does not answer, the lease expires on its own
     * within the TTL. Idempotent.
     */
    @Override
    public void close() {
        State was = state.getAndSet(State.CLOSED);
        if (was == State.CLOSED) {
            return;
        }
        long deadline = System.nanoTime() + etcd.requestTimeout().toNanos();
        try {
            if (was == State.STARTED) {
                CompletableFuture<Campaign> stopped = new CompletableFuture<>();
                loop.execute(() -> {
                    Campaign c = current;
                    current = null;
                    if (c != null) {
                        c.stopLocally();
                    }
                    stopLeading("elector closed");
                    stopped.complete(c);
                });
                Campaign c = await(stopped, deadline);
                if (Thread.currentThread() != callbackThread) {
                    // wait for onStoppedLeading to return before letting the next leader in
                    await(CompletableFuture.runAsync(() -> {}, callbacks), deadline);
                }
                if (c != null) {
                    await(c.release(remaining(deadline)), deadline);
                }
            }
        } finally {
            loop.shutdownNow();
            callbacks.shutdown();
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
    }

    private <T> T await(CompletableFuture<T> f, long deadline) {
        try {
            return f.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn(
                    "closing the elector of {} did not finish in time; the lease will expire on its own", electionName);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("closing the elector of {}: {}", electionName, e.getCause().toString());
            return null;
        }
    }

    @Override
    public String toString() {
        return "LeaderElector[" + electionName + "/" + identity + (isLeader() ? ", leading" : "") + "]";
    }
}
