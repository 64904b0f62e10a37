package io.kubelite.store.transfer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import io.kubelite.store.TooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Writes a validated {@link ExportFile} under the connection's prefix, which may differ
 * from the prefix it was exported from (keys in the file are relative).
 *
 * <ul>
 *   <li>Refuses ({@link ImportRefusedException}, nothing written) when the target prefix
 *       already holds any key, unless {@code force}; with {@code force}, keys in the file
 *       overwrite the same keys in the target and other target keys are left alone.</li>
 *   <li>Writes in transactions of at most {@value #MAX_OPS} puts and about 1 MiB. Without
 *       {@code force} every put is guarded by {@code create_revision == 0}, so a key
 *       created in the target meanwhile fails its batch (ImportRefusedException naming
 *       the key) instead of being overwritten. Batches already written stay: the import
 *       is atomic per batch, not as a whole.</li>
 *   <li>Leased keys get fresh leases, one per distinct ttl, granted just before the
 *       writes; so an Event exported with 3542 s left expires about 3542 s after import.</li>
 * </ul>
 *
 * Values are written byte for byte; resourceVersions in the target are the target's
 * own mod_revisions. Blocking, every call bounded by the request deadline.
 */
public final class StoreImporter {
    /** Puts per transaction; etcd's default --max-txn-ops is 128. */
    static final int MAX_OPS = 64;
    /** Bytes of keys and values per transaction, under etcd's 1.5 MiB request limit. */
    static final int MAX_BATCH_BYTES = 1024 * 1024;

    private final Etcd etcd;

    public StoreImporter(Etcd etcd) {
        this.etcd = Objects.requireNonNull(etcd);
    }

    /**
     * Imports {@code file} (already validated by {@link ExportReader}).
     *
     * @throws ImportRefusedException the target holds keys and {@code force} is false, or a key appeared meanwhile
     * @throws StoreException         etcd unavailable or a value over etcd's request limit
     */
    public ImportSummary importFile(ExportFile file, boolean force) {
        String base = etcd.prefix() + "/";
        if (!force) {
            long existing = countUnder(base);
            if (existing > 0) {
                throw new ImportRefusedException("the target prefix " + etcd.prefix() + " already holds " + existing
                        + " key" + (existing == 1 ? "" : "s")
                        + "; import into an empty prefix, or pass --force to overwrite the same keys");
            }
        }
        return writeAll(file, force);
    }

    /** The writes alone, without the up-front emptiness check (tests use it to race a writer). */
    ImportSummary writeAll(ExportFile file, boolean force) {
        String base = etcd.prefix() + "/";
        for (ExportEntry e : file.entries()) {
            int size = size(base, e);
            if (size > ObjectStore.MAX_OBJECT_BYTES) {
                throw new TooLargeException(
                        base + e.key(), "key " + e.key() + " is " + size + " bytes, over etcd's request limit");
            }
        }
        LeasesByTtl leaseByTtl = new LeasesByTtl();
        int txns = 0;
        long revision = 0;
        List<ExportEntry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (ExportEntry e : file.entries()) {
            int size = size(base, e);
            if (!batch.isEmpty() && (batch.size() >= MAX_OPS || batchBytes + size > MAX_BATCH_BYTES)) {
                revision = write(base, batch, leaseByTtl, force);
                txns++;
                batch.clear();
                batchBytes = 0;
            }
            batch.add(e);
            batchBytes += size;
        }
        if (!batch.isEmpty()) {
            revision = write(base, batch, leaseByTtl, force);
            txns++;
        }
        return new ImportSummary(
                file.header().prefix(),
                file.header().revision(),
                etcd.prefix(),
                file.entries().size(),
                file.leasedCount(),
                leaseByTtl.granted(),
                txns,
                revision);
    }

    private static int size(String base, ExportEntry e) {
        return (base + e.key()).getBytes(StandardCharsets.UTF_8).length + e.value().length;
    }

    private long countUnder(String base) {
        GetOption o = GetOption.builder()
                .withRange(bs(Keys.rangeEnd(base)))
                .withCountOnly(true)
                .build();
        GetResponse r = join(etcd.call(base, () -> etcd.client().getKVClient().get(bs(base), o)));
        return r.getCount();
    }

    /**
     * One lease per distinct ttl (Events written in the same second share one, as they did at
     * the source), granted when the first batch needing it is written and granted afresh once
     * half its ttl has passed: a lease granted up front for a short ttl could expire before a
     * long import reaches its keys, and the put would fail on a lease that no longer exists.
     */
    private final class LeasesByTtl {
        private record Granted(long id, long atNanos) {}

        private final Map<Long, Granted> byTtl = new TreeMap<>();
        private int granted;

        long leaseFor(long ttl) {
            Granted g = byTtl.get(ttl);
            if (g == null || System.nanoTime() - g.atNanos() > TimeUnit.SECONDS.toNanos(ttl) / 2) {
                long id = join(etcd.call(
                                "lease ttl " + ttl,
                                () -> etcd.client().getLeaseClient().grant(ttl)))
                        .getID();
                g = new Granted(id, System.nanoTime());
                byTtl.put(ttl, g);
                granted++;
            }
            return g.id();
        }

        int granted() {
            return granted;
        }
    }

    private long write(String base, List<ExportEntry> batch, LeasesByTtl leaseByTtl, boolean force) {
        List<Cmp> cmps = new ArrayList<>();
        List<Op> puts = new ArrayList<>();
        for (ExportEntry e : batch) {
            ByteSequence key = bs(base + e.key());
            if (!force) {
                cmps.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
            }
            PutOption po = e.leased()
                    ? PutOption.builder()
                            .withLeaseId(leaseByTtl.leaseFor(e.ttlSeconds()))
                            .build()
                    : PutOption.DEFAULT;
            puts.add(Op.put(key, ByteSequence.from(e.value()), po));
        }
        String first = base + batch.get(0).key();
        TxnResponse r = join(etcd.call(
                first,
                () -> etcd.client()
                        .getKVClient()
                        .txn()
                        .If(cmps.toArray(Cmp[]::new))
                        .Then(puts.toArray(Op[]::new))
                        .commit()));
        if (!r.isSucceeded()) {
            throw new ImportRefusedException("key " + firstExisting(base, batch)
                    + " was created in the target while importing; the keys before it were imported, this batch of "
                    + batch.size() + " was not");
        }
        return r.getHeader().getRevision();
    }

    private String firstExisting(String base, List<ExportEntry> batch) {
        for (ExportEntry e : batch) {
            String k = base + e.key();
            GetOption o = GetOption.builder().withCountOnly(true).build();
            if (join(etcd.call(k, () -> etcd.client().getKVClient().get(bs(k), o)))
                            .getCount()
                    > 0) {
                return k;
            }
        }
        return "(unknown: gone again)";
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            StoreException se = StoreException.unwrap(e);
            throw se != null ? se : e;
        }
    }
}
