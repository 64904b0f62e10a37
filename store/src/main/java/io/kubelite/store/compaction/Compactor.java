package io.kubelite.store.compaction;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts etcd's history every {@code interval}, as kube-apiserver does, so that the
 * revision log of a long-running cluster does not grow until etcd's space quota stops it.
 *
 * <p>Any number of processes may run a compactor against one etcd; they coordinate
 * through one key ({@code <prefix>/_kubelite/compact_rev_key}) whose etcd {@code version}
 * serves as a logical clock: a compactor whose clock matches the key's wins the
 * transaction that bumps it, records the current revision, and compacts to the revision
 * recorded one interval earlier; the others learn the new clock and try again an
 * interval later. So history of at least one interval is always kept (watchers that fall
 * further behind relist), one compaction happens per interval in steady state, and when
 * the compacting process dies another takes over within two intervals. Clocks need not
 * agree: atomicity comes from etcd.
 *
 * <p>Lifecycle: {@link #start()}, {@link #close()} (idempotent); owns one thread.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Etcd etcd;
    private final Duration interval;
    private final String key;
    private final ScheduledExecutorService executor;
    private long knownVersion;
    private long recordedRevision;
    private volatile long lastCompacted;
    private volatile boolean closed;

    public Compactor(Etcd etcd, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("compaction interval must be positive, got " + interval);
        }
        this.etcd = etcd;
        this.interval = interval;
        this.key = new Keys(etcd.prefix()).internal("compact_rev_key");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-compactor");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The revision this process last compacted to, 0 if none yet. */
    public long lastCompacted() {
        return lastCompacted;
    }

    /** One round of the protocol; public for tests and for a manual "compact now". */
    public void tick() {
        if (closed) {
            return;
        }
        try {
            ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
            TxnResponse resp = etcd.call(
                            key,
                            () -> etcd.client()
                                    .getKVClient()
                                    .txn()
                                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(knownVersion)))
                                    .Then(Op.put(
                                            k,
                                            ByteSequence.from(Long.toString(recordedRevision), StandardCharsets.UTF_8),
                                            PutOption.DEFAULT))
                                    .Else(Op.get(k, GetOption.DEFAULT))
                                    .commit())
                    .join();
            long current = resp.getHeader().getRevision();
            if (!resp.isSucceeded()) {
                var kvs = resp.getGetResponses().get(0).getKvs();
                knownVersion = kvs.isEmpty() ? 0 : kvs.get(0).getVersion();
                recordedRevision = current;
                return;
            }
            knownVersion++;
            long target = recordedRevision;
            recordedRevision = current;
            if (target == 0) {
                return; // nothing recorded an interval ago: never compact at start-up
            }
            etcd.call(key, () -> etcd.client().getKVClient().compact(target, CompactOption.DEFAULT))
                    .join();
            lastCompacted = target;
            LOG.info("compacted etcd history up to revision {}", target);
        } catch (RuntimeException e) {
            // compacted already (by someone else) or etcd unavailable: the next round retries
            LOG.warn("etcd compaction round failed: {}", rootMessage(e));
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
