package io.kubelite.store.election;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.kubelite.store.Etcd;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidacy, as etcd's concurrency.Election does it: a fresh lease, a candidate key
 * {@code <electionPrefix><leaseIdHex>} created under it, then waiting until no key with
 * a lower create_revision is left, watching only the key just before ours (so a leader
 * change wakes one candidate, not all of them).
 *
 * <p>A campaign ends exactly once, through {@link Events#onEnded}: its lease is gone,
 * its key was deleted, its local deadline passed, or etcd could not be reached while
 * setting it up. It is never resumed; the elector starts a fresh one. All methods run
 * on the elector's state thread; etcd answers are handed back to it.
 */
final class Campaign {
    private static final Logger log = LoggerFactory.getLogger(Campaign.class);

    /** What a campaign tells its elector, always on the state thread. */
    interface Events {
        void onElected(Campaign campaign, Leadership leadership);

        void onEnded(Campaign campaign, String reason);
    }

    private final Etcd etcd;
    private final String electionPrefix;
    private final String identity;
    private final Duration leaseDuration;
    private final ScheduledExecutorService loop;
    private final Events events;

    private long leaseId;
    private String key;
    private long token;
    private KeepAliveLoop keepAlive;
    private Watch.Watcher watcher;
    private String watchedKey;
    private ScheduledFuture<?> deadlineCheck;
    private ScheduledFuture<?> safetyRecheck;
    private boolean elected;
    private boolean checking;
    private boolean checkAgain;
    private boolean ended;

    Campaign(
            Etcd etcd,
            String electionPrefix,
            String identity,
            Duration leaseDuration,
            ScheduledExecutorService loop,
            Events events) {
        this.etcd = etcd;
        this.electionPrefix = electionPrefix;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.loop = loop;
        this.events = events;
    }

    /** Begins: grant a lease, create the candidate key, then wait for our turn. */
    void start() {
        long ttlSeconds = Math.max(1, (leaseDuration.toMillis() + 999) / 1000);
        long sent = System.nanoTime();
        etcd.call(electionPrefix, () -> etcd.client().getLeaseClient().grant(ttlSeconds))
                .whenCompleteAsync(
                        (resp, err) -> {
                            if (err != null) {
                                end("could not grant a lease: " + err.getMessage());
                                return;
                            }
                            leaseId = resp.getID();
                            if (ended) {
                                // ended (closed) while the grant was in flight: give the lease back
                                revokeAsync();
                                return;
                            }
                            key = electionPrefix + Long.toHexString(leaseId);
                            keepAlive = new KeepAliveLoop(
                                    etcd,
                                    leaseId,
                                    leaseDuration.dividedBy(3),
                                    leaseDuration.multipliedBy(2).dividedBy(3),
                                    loop,
                                    sent,
                                    this::end);
                            keepAlive.start();
                            // The local deadline is checked locally (no etcd traffic) often enough
                            // to step down well before the TTL runs out.
                            long every = Math.max(10, leaseDuration.toMillis() / 20);
                            deadlineCheck = loop.scheduleWithFixedDelay(
                                    this::checkDeadline, every, every, TimeUnit.MILLISECONDS);
                            createKey();
                        },
                        loop);
    }

    private void createKey() {
        ByteSequence k = Etcd.bytes(key);
        etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                                .Then(Op.put(
                                        k,
                                        Etcd.bytes(identity),
                                        PutOption.builder().withLeaseId(leaseId).build()))
                                .Else(Op.get(k, GetOption.DEFAULT))
                                .commit())
                .whenCompleteAsync(
                        (resp, err) -> {
                            if (ended) {
                                return;
                            }
                            if (err != null) {
                                end("could not create candidate key " + key + ": " + err.getMessage());
                                return;
                            }
                            if (resp.isSucceeded()) {
                                token = resp.getHeader().getRevision();
                            } else {
                                // Only possible if a lost-and-retried put had already landed: adopt it.
                                var kvs = resp.getGetResponses().get(0).getKvs();
                                if (kvs.isEmpty()) {
                                    end("candidate key " + key + " vanished while being created");
                                    return;
                                }
                                token = kvs.get(0).getCreateRevision();
                            }
                            log.debug("candidate {} for {} created at revision {}", identity, key, token);
                            // Backstop for a watch that silently lost an event (jetcd's own resume can
                            // skip events around reconnects): one small read per lease duration.
                            long every = leaseDuration.toMillis();
                            safetyRecheck =
                                    loop.scheduleWithFixedDelay(this::recheck, every, every, TimeUnit.MILLISECONDS);
                            recheck();
                        },
                        loop);
    }

    /**
     * In one txn: is our key still there with our token, and which key is the last one
     * created before ours? None before ours means we lead.
     */
    private void recheck() {
        if (ended) {
            return;
        }
        if (checking) {
            checkAgain = true;
            return;
        }
        checking = true;
        ByteSequence k = Etcd.bytes(key);
        GetOption predecessor = GetOption.builder()
                .isPrefix(true)
                .withMaxCreateRevision(token - 1)
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(1)
                .withKeysOnly(true)
                .build();
        etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
                                .Then(Op.get(Etcd.bytes(electionPrefix), predecessor))
                                .commit())
                .whenCompleteAsync(this::onRecheck, loop);
    }

    private void onRecheck(TxnResponse resp, Throwable err) {
        checking = false;
        if (ended) {
            return;
        }
        if (err != null) {
            // Not fatal by itself: the keep-alive deadline decides whether we are cut off.
            log.debug("election check for {} failed: {}", key, err.getMessage());
            loop.schedule(this::recheck, leaseDuration.toMillis() / 6, TimeUnit.MILLISECONDS);
            return;
        }
        if (checkAgain) {
            checkAgain = false;
            recheck();
            return;
        }
        if (!resp.isSucceeded()) {
            end("candidate key " + key + " was deleted");
            return;
        }
        GetResponse before = resp.getGetResponses().get(0);
        long rev = resp.getHeader().getRevision();
        if (before.getKvs().isEmpty()) {
            // Watch our own key: a delete (lease expired, or removed by hand) deposes us.
            watchForDelete(key, rev + 1, () -> end("candidate key " + key + " was deleted"));
            if (!elected) {
                if (!keepAlive.withinDeadline()) {
                    end("keep-alive deadline passed before winning");
                    return;
                }
                elected = true;
                events.onElected(this, Leadership.of(key, token));
            }
        } else {
            KeyValue prev = before.getKvs().get(0);
            watchForDelete(prev.getKey().toString(), rev + 1, this::recheck);
        }
    }

    private void watchForDelete(String watched, long fromRevision, Runnable onDelete) {
        if (watcher != null && watched.equals(watchedKey)) {
            return; // already watching it; the check that got us here saw it still present
        }
        closeWatcher();
        watchedKey = watched;
        WatchOption opt =
                WatchOption.builder().withRevision(fromRevision).withNoPut(true).build();
        Watch.Watcher[] self = new Watch.Watcher[1];
        Watch.Listener listener = Watch.listener(
                (WatchResponse r) -> {
                    boolean deleted =
                            r.getEvents().stream().anyMatch(e -> e.getEventType() == WatchEvent.EventType.DELETE);
                    if (deleted) {
                        loop.execute(() -> {
                            if (!ended && watcher == self[0]) {
                                onDelete.run();
                            }
                        });
                    }
                },
                (Throwable t) -> loop.execute(() -> {
                    if (!ended && watcher == self[0]) {
                        log.debug("watch on {} failed: {}", watched, t.toString());
                        // Our view may be stale (e.g. compacted): look again; recheck re-watches.
                        closeWatcher(); // closed, not just forgotten: jetcd would keep calling it
                        loop.schedule(this::recheck, 100, TimeUnit.MILLISECONDS);
                    }
                }),
                () -> loop.execute(() -> {
                    if (!ended && watcher == self[0]) {
                        closeWatcher(); // closed, not just forgotten: jetcd would keep calling it
                        loop.schedule(this::recheck, 100, TimeUnit.MILLISECONDS);
                    }
                }));
        self[0] = etcd.client().getWatchClient().watch(Etcd.bytes(watched), opt, listener);
        watcher = self[0];
    }

    private void checkDeadline() {
        if (!ended && keepAlive != null && !keepAlive.withinDeadline()) {
            long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - keepAlive.deadlineNanos())
                    + leaseDuration.multipliedBy(2).dividedBy(3).toMillis();
            end("no keep-alive acknowledged for " + silentMs + " ms (lease " + leaseDuration.toMillis()
                    + " ms): stepping down before the lease can expire");
        }
    }

    /** True while this campaign leads and its lease is certainly alive. Any thread. */
    boolean leadingWithinDeadline() {
        KeepAliveLoop ka = keepAlive;
        return ka != null && ka.withinDeadline();
    }

    /** Ends with {@code reason}; the elector hears of it. */
    void end(String reason) {
        if (ended) {
            return;
        }
        stopLocally();
        events.onEnded(this, reason);
    }

    /** Stops every local activity (timers, keep-alives, watch) without telling anyone or touching etcd. */
    void stopLocally() {
        ended = true;
        if (keepAlive != null) {
            keepAlive.stop();
        }
        if (deadlineCheck != null) {
            deadlineCheck.cancel(false);
        }
        if (safetyRecheck != null) {
            safetyRecheck.cancel(false);
        }
        closeWatcher();
    }

    private void closeWatcher() {
        if (watcher != null) {
            Watch.Watcher w = watcher;
            watcher = null;
            try {
                w.close();
            } catch (RuntimeException e) {
                log.debug("closing watch failed", e);
            }
        }
    }

    /**
     * Gives up the candidacy in etcd: deletes the key and revokes the lease, each bounded
     * by {@code deadline}. Best effort: if etcd does not answer, the lease (no longer
     * kept alive) expires by itself within the TTL. Safe from any thread after
     * {@link #stopLocally()}.
     */
    CompletableFuture<Void> release(Duration deadline) {
        if (leaseId == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?> delete = key == null
                ? CompletableFuture.completedFuture(null)
                : etcd.call(
                        key,
                        deadline,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(Etcd.bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
                                .Then(Op.delete(Etcd.bytes(key), DeleteOption.DEFAULT))
                                .commit());
        CompletableFuture<?> revoke =
                etcd.call(key, deadline, () -> etcd.client().getLeaseClient().revoke(leaseId));
        return CompletableFuture.allOf(delete.exceptionally(e -> null), revoke.exceptionally(e -> {
            log.debug("revoking lease {} failed: {}", Long.toHexString(leaseId), e.getMessage());
            return null;
        }));
    }

    private void revokeAsync() {
        release(etcd.requestTimeout());
    }

    String key() {
        return key;
    }

    long leaseId() {
        return leaseId;
    }
}
