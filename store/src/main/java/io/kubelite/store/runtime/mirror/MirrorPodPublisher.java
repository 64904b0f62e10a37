package io.kubelite.store.runtime.mirror;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.encryption.FromStorage;
import io.kubelite.store.runtime.Failures;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the mirror pods of its {@link MirrorPodSource}s in etcd, attached to one etcd lease
 * this publisher keeps alive, so they vanish within the lease TTL when the process dies
 * without cleaning up (kill -9, a lost host), and are deleted by {@link #close()}.
 *
 * <p>Every refresh (its own thread) renews the lease when due, asks each source for its
 * pods and, per pod, reads the key and:
 * <ul>
 *   <li>absent (never written, deleted by a client, or its lease expired): creates it
 *       ({@code create_revision == 0}) — so a mirror pod deleted through the API server comes
 *       back on the next refresh, as the kubelet recreates a deleted mirror pod;</li>
 *   <li>present on another live lease: leaves it alone (another publisher of the same pod,
 *       e.g. another API server replica for an etcd member, owns it until its lease
 *       ends);</li>
 *   <li>present on this lease or on none (a client's update through the API server drops the
 *       lease): rewrites it ({@code mod_revision} compare) only when the stored bytes differ
 *       from {@link MirrorPodMerge}'s result — no write while nothing changes.</li>
 * </ul>
 * Pods a source stops naming are deleted. etcd errors are retried on the next refresh and
 * logged once until they change. If the lease is lost (etcd unreachable for a whole TTL),
 * a new one is granted and everything written again.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} idempotent (bounded: a few etcd
 * calls with short deadlines). Sources may be added at any time.
 */
public final class MirrorPodPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorPodPublisher.class);
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);

    private final Etcd etcd;
    private final Keys keys;
    private final Duration ttl;
    private final Duration refresh;
    private final Clock clock;
    private final List<MirrorPodSource> sources = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;

    // Touched only on the publisher's thread (and by close() after that thread ended).
    private long leaseId;
    private long lastRenewalSentNanos;
    private final Map<MirrorPodSource, Set<String>> owned = new LinkedHashMap<>();
    private final Map<String, String> lastReady = new LinkedHashMap<>();
    private String lastError;

    private final Object lifecycle = new Object();
    private boolean started;
    private volatile boolean closed;

    /**
     * @param ttl     the lease's TTL: how long a dead process's pods outlive it at most
     * @param refresh how often sources are asked (readiness changes show within this)
     */
    public MirrorPodPublisher(Etcd etcd, Duration ttl, Duration refresh, Clock clock) {
        if (ttl.toSeconds() < 2) {
            throw new IllegalArgumentException("mirror pod lease TTL must be at least 2s, got " + ttl);
        }
        this.etcd = etcd;
        this.keys = new Keys(etcd.prefix());
        this.ttl = ttl;
        this.refresh = refresh;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-pods");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a source; its pods appear on the next refresh. */
    public void add(MirrorPodSource source) {
        sources.add(source);
        refreshSoon();
    }

    /** Starts refreshing (the first refresh at once). No-op when started or closed. */
    public void start() {
        synchronized (lifecycle) {
            if (started || closed) {
                return;
            }
            started = true;
        }
        thread.scheduleWithFixedDelay(this::refreshQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs one refresh soon, outside the period (e.g. when readiness just changed). */
    public void refreshSoon() {
        synchronized (lifecycle) {
            if (started && !closed) {
                thread.execute(this::refreshQuietly);
            }
        }
    }

    /** The etcd key of mirror pod {@code name}. */
    public String key(String name) {
        return keys.key(PodKind.RESOURCE, MirrorPods.NAMESPACE, name);
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (lastError != null) {
                log.info("mirror pods: etcd answers again");
                lastError = null;
            }
        } catch (Exception e) {
            if (closed) {
                return; // interrupted by close()
            }
            String msg = Failures.oneLine(e);
            if (!msg.equals(lastError)) {
                log.warn("mirror pods: refresh failed, retrying every {}: {}", refresh, msg);
                lastError = msg;
            }
        }
    }

    private void refresh() throws Exception {
        ensureLease();
        for (MirrorPodSource source : sources) {
            List<Pod> pods;
            try {
                pods = source.desired();
            } catch (Exception e) {
                log.debug("mirror pods: a source failed; its pods stay as they are", e);
                continue; // keeps what it published: a transient failure must not delete them
            }
            Set<String> now = new HashSet<>();
            for (Pod p : pods) {
                String key = key(p.getMetadata().getName());
                now.add(key);
                sync(key, p);
            }
            Set<String> before = owned.getOrDefault(source, Set.of());
            for (String key : before) {
                if (!now.contains(key)) {
                    deleteIfOurs(key);
                }
            }
            owned.put(source, now);
        }
    }

    private void ensureLease() throws Exception {
        if (leaseId != 0 && System.nanoTime() - lastRenewalSentNanos < ttl.toNanos() / 3) {
            return;
        }
        long sent = System.nanoTime();
        if (leaseId != 0) {
            try {
                long id = leaseId;
                long left = etcd.call(
                                "mirror-pods-lease",
                                CALL_DEADLINE,
                                () -> etcd.client().getLeaseClient().keepAliveOnce(id))
                        .get()
                        .getTTL();
                if (left > 0) {
                    lastRenewalSentNanos = sent;
                    return;
                }
            } catch (Exception e) {
                if (!leaseNotFound(e)) {
                    throw e;
                }
            }
            log.warn("mirror pods: lease {} expired; granting a new one", Long.toHexString(leaseId));
            leaseId = 0;
        }
        long secs = ttl.toSeconds();
        leaseId = etcd.call(
                        "mirror-pods-lease",
                        CALL_DEADLINE,
                        () -> etcd.client().getLeaseClient().grant(secs))
                .get()
                .getID();
        lastRenewalSentNanos = sent;
        log.debug("mirror pods: lease {} granted (TTL {}s)", Long.toHexString(leaseId), secs);
    }

    /** jetcd reports a keep-alive of an expired lease as an EtcdException NOT_FOUND. */
    private static boolean leaseNotFound(Throwable err) {
        for (Throwable t = err; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("lease not found")) {
                return true;
            }
        }
        return false;
    }

    private void sync(String key, Pod desired) throws Exception {
        ByteSequence k = Etcd.bytes(key);
        GetResponse got = etcd.call(
                        key, CALL_DEADLINE, () -> etcd.client().getKVClient().get(k))
                .get();
        KeyValue kv = got.getKvs().isEmpty() ? null : got.getKvs().get(0);
        if (kv != null && kv.getLease() != 0 && kv.getLease() != leaseId) {
            return; // another publisher's, until its lease ends
        }
        Pod stored = null;
        FromStorage plain = null;
        if (kv != null) {
            try {
                plain = etcd.encryption()
                        .fromStorage(PodKind.RESOURCE, key, kv.getValue().getBytes());
                stored = ObjectCodec.decode(PodKind.RESOURCE, key, plain.plain(), kv.getModRevision());
            } catch (RuntimeException e) {
                log.warn("mirror pods: {} does not decode ({}); overwriting it", key, e.getMessage());
                plain = null;
            }
        }
        Pod merged = MirrorPodMerge.merge(stored, desired, clock.instant());
        byte[] encoded = ObjectCodec.encode(PodKind.RESOURCE, merged);
        // compared before encryption: a fresh nonce makes every encrypted value differ
        if (kv != null
                && kv.getLease() == leaseId
                && plain != null
                && !plain.stale()
                && Arrays.equals(encoded, plain.plain())) {
            return;
        }
        byte[] value = etcd.encryption().toStorage(PodKind.RESOURCE, key, encoded);
        Cmp cmp = kv == null
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision()));
        Op put = Op.put(
                k,
                ByteSequence.from(value),
                PutOption.builder().withLeaseId(leaseId).build());
        TxnResponse resp = etcd.call(
                        key,
                        CALL_DEADLINE,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(cmp)
                                .Then(put)
                                .commit())
                .get();
        if (!resp.isSucceeded()) {
            return; // changed meanwhile; the next refresh looks again
        }
        String ready = ready(merged);
        String name = MirrorPods.NAMESPACE + "/" + merged.getMetadata().getName();
        if (kv == null) {
            log.info("mirror pod {} published (Ready={})", name, ready);
        } else if (!ready.equals(lastReady.get(key))) {
            log.info("mirror pod {} is now Ready={}", name, ready);
        } else {
            log.info("mirror pod {} rewritten (it had been changed by a client)", name);
        }
        lastReady.put(key, ready);
    }

    private static String ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getStatus())
                .findFirst()
                .orElse("Unknown");
    }

    private void deleteIfOurs(String key) throws Exception {
        ByteSequence k = Etcd.bytes(key);
        GetResponse got = etcd.call(
                        key, CALL_DEADLINE, () -> etcd.client().getKVClient().get(k))
                .get();
        if (got.getKvs().isEmpty()) {
            return;
        }
        KeyValue kv = got.getKvs().get(0);
        if (kv.getLease() != leaseId && kv.getLease() != 0) {
            return;
        }
        TxnResponse resp = etcd.call(
                        key,
                        CALL_DEADLINE,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
                                .Then(Op.delete(k, DeleteOption.DEFAULT))
                                .commit())
                .get();
        if (resp.isSucceeded()) {
            log.info("mirror pod {} deleted", key.substring(key.indexOf("/pods/") + 6));
            lastReady.remove(key);
        }
    }

    /**
     * Stops refreshing, deletes the pods this publisher wrote and revokes its lease (which
     * would delete them anyway once etcd sees it). Idempotent; best effort, bounded.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(CALL_DEADLINE.toMillis() * 4, TimeUnit.MILLISECONDS)) {
                log.warn("mirror pods: refresh did not end within {}", CALL_DEADLINE.multipliedBy(4));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Set<String> ks : owned.values()) {
            for (String key : ks) {
                try {
                    deleteIfOurs(key);
                } catch (Exception e) {
                    log.debug("mirror pods: delete of {} on close failed: {}", key, Failures.oneLine(e));
                }
            }
        }
        if (leaseId != 0) {
            long id = leaseId;
            try {
                etcd.call(
                                "mirror-pods-lease",
                                CALL_DEADLINE,
                                () -> etcd.client().getLeaseClient().revoke(id))
                        .get();
            } catch (Exception e) {
                log.debug("mirror pods: revoking lease {} failed: {}", Long.toHexString(id), Failures.oneLine(e));
            }
        }
    }
}
