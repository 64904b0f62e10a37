package io.kubelite.store.transfer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.kubelite.store.CorruptException;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.StoreException;
import io.kubelite.store.TooLargeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Writes every object under the connection's prefix to an {@link ExportFormat} file,
 * read as one consistent snapshot: the first page fixes revision R and every further
 * page is read at R, so concurrent writes never tear the export.
 *
 * <p>Left out: {@code <prefix>/_kubelite/...} (leader-election candidate keys and
 * compaction bookkeeping belong to the running processes and their leases; moving them
 * would plant a ghost leader in the target), and values that are not decodable kubelite
 * objects (listed in {@link ExportSummary#skippedKeys()}, as the store's own list skips
 * them). A leased key's ttl is its lease's remaining time when the export asks for it
 * (leases are not versioned, so it cannot be read "at R"); a lease that expired since R
 * is written as ttl 1, so the key is imported and expires at once, as it did here.
 *
 * <p>Not thread-safe (one export at a time per instance). Blocking: every etcd call is bounded by the connection's request deadline; do not
 * call from an event loop. If R is compacted during the export, it fails with the
 * store's {@link io.kubelite.store.ExpiredException}: run it again.
 */
public final class StoreExporter {
    /**
     * Keys per range request. etcd 3.4 walks the whole remaining range for every limited
     * request, so small pages make an export quadratic; a page whose response is over
     * jetcd's 64 MiB limit (values can be 1.5 MiB each) is retried at half the size.
     */
    public static final int DEFAULT_PAGE_SIZE = 500;

    private final Etcd etcd;
    private int pageSize;
    private final Clock clock;

    public StoreExporter(Etcd etcd) {
        this(etcd, DEFAULT_PAGE_SIZE, Clock.systemUTC());
    }

    /** With an explicit page size (tests use small pages to force many of them). */
    public StoreExporter(Etcd etcd, int pageSize, Clock clock) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
        }
        this.etcd = Objects.requireNonNull(etcd);
        this.pageSize = pageSize;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Writes the export to {@code out} (not closed). Returns what was written.
     *
     * @throws StoreException etcd unavailable, or the revision was compacted mid-way
     * @throws IOException    writing {@code out} failed
     */
    public ExportSummary export(OutputStream out) throws IOException {
        String prefix = etcd.prefix();
        String start = prefix + "/";
        String end = Keys.rangeEnd(start);
        String internal = prefix + "/_kubelite/";
        ExportWriter writer = new ExportWriter(out);
        LeaseTtls ttls = new LeaseTtls();
        List<String> skipped = new ArrayList<>();
        Instant startedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long revision = 0;
        String from = start;
        while (true) {
            GetResponse page = range(from, end, revision);
            if (revision == 0) {
                revision = page.getHeader().getRevision();
                writer.header(new ExportHeader(ExportFormat.V1, prefix, revision, startedAt.toString()));
            }
            String lastKey = null;
            for (KeyValue kv : page.getKvs()) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                lastKey = key;
                if (key.startsWith(internal)) {
                    continue;
                }
                byte[] value = kv.getValue().getBytes();
                try {
                    ObjectCodec.decodeAny(key, value, kv.getModRevision());
                } catch (CorruptException e) {
                    skipped.add(key);
                    continue;
                }
                long ttl = kv.getLease() == 0 ? 0 : ttls.remaining(kv.getLease(), key);
                writer.entry(new ExportEntry(key.substring(start.length()), value, ttl));
            }
            if (!page.isMore() || lastKey == null) {
                break;
            }
            from = lastKey + "\0";
        }
        ExportTrailer t = writer.finish();
        return new ExportSummary(prefix, revision, t.keys(), t.leased(), skipped);
    }

    private GetResponse range(String from, String end, long revision) {
        while (true) {
            try {
                return rangeOnce(from, end, revision);
            } catch (TooLargeException e) {
                if (pageSize == 1) {
                    throw e;
                }
                pageSize = Math.max(1, pageSize / 2);
            }
        }
    }

    private GetResponse rangeOnce(String from, String end, long revision) {
        GetOption.Builder o = GetOption.builder().withRange(bs(end)).withLimit(pageSize);
        if (revision > 0) {
            o.withRevision(revision);
        }
        GetOption option = o.build();
        return join(etcd.call(from, () -> etcd.client().getKVClient().get(bs(from), option)));
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            StoreException se = StoreException.unwrap(e);
            throw se != null ? se : e;
        }
    }

    /** Remaining TTL per lease, asked once per lease. */
    private final class LeaseTtls {
        private final Map<Long, Long> cache = new HashMap<>();

        long remaining(long leaseId, String key) {
            Long cached = cache.get(leaseId);
            if (cached != null) {
                return cached;
            }
            LeaseTimeToLiveResponse r =
                    join(etcd.call(key, () -> etcd.client().getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT)));
            // -1: the lease is gone (expired since R); 0: expiring now. Either way: expire right after import.
            long ttl = Math.max(1, r.getTTL());
            cache.put(leaseId, ttl);
            return ttl;
        }
    }
}
