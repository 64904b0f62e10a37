package io.kubelite.etcdlite;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine: MVCC store and leases in memory, every change logged before it is
 * acknowledged. Writers serialise on a write lock, apply to memory at revision
 * {@code applied}, append the change to the log and are answered once it is synced.
 * Readers see only {@link #durableRev()}: nothing that could be lost in a crash is
 * ever visible to a client.
 *
 * <p>This class is the coordinator the services use: it holds the shared state and the
 * read side, and hands the rest to its parts: {@link WalReplay} rebuilds the state when
 * it is constructed, {@link WritePath} serves the writes, {@link Snapshots} writes
 * snapshots and images of the state. {@link #close()} stops the snapshot thread and the
 * log (answering waiting writers with an error); it may be called more than once.
 */
final class Backend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    /** etcd's default --max-request-bytes. */
    static final int MAX_REQUEST_BYTES = 1536 * 1024;

    static final int MAX_TXN_OPS = 128;

    private final Path dir;
    /** Guards {@link #mvcc}, the set of {@link #leases} and the applied index: writers take it exclusively. */
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    final Mvcc mvcc = new Mvcc();
    final Leases leases = new Leases();
    private final Wal wal;
    private final WritePath writes;
    private final Snapshots snapshots;
    private volatile long durableRev;
    private volatile long appliedIndex;
    private final long clusterId;
    private final long memberId;
    private final List<Runnable> durableListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    Backend(Path dir, long snapshotBytes, int maxRequestBytes) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        long[] ids = memberIds(dir);
        this.clusterId = ids[0];
        this.memberId = ids[1];
        WalReplay.Recovered recovered = WalReplay.run(dir, mvcc, leases);
        appliedIndex = recovered.appliedIndex();
        durableRev = mvcc.rev();
        wal = new Wal(dir, recovered.segment(), this::onDurable);
        snapshots = new Snapshots(this, dir, wal, snapshotBytes);
        writes = new WritePath(this, wal, maxRequestBytes);
        LOG.info(
                "etcdlite data in {}: revision {}, compacted at {}, {} keys, {} leases",
                dir,
                mvcc.rev(),
                mvcc.compactRev(),
                mvcc.keyCount(),
                leases.byId.size());
    }

    private static long[] memberIds(Path dir) throws IOException {
        Path f = dir.resolve("member");
        if (!Files.exists(f)) {
            SecureRandom r = new SecureRandom();
            String ids =
                    Long.toUnsignedString(r.nextLong() >>> 1) + " " + Long.toUnsignedString(r.nextLong() >>> 1) + "\n";
            Path tmp = dir.resolve("member.tmp");
            Files.writeString(tmp, ids);
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            Wal.fsyncDir(dir);
        }
        String[] parts = Files.readString(f).trim().split(" ");
        return new long[] {Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1])};
    }

    long clusterId() {
        return clusterId;
    }

    long memberId() {
        return memberId;
    }

    long durableRev() {
        return durableRev;
    }

    long compactRev() {
        lock.readLock().lock();
        try {
            return mvcc.compactRev();
        } finally {
            lock.readLock().unlock();
        }
    }

    long appliedIndex() {
        return appliedIndex;
    }

    /** One more change applied; the write path calls it under the write lock. */
    void advanceAppliedIndex() {
        appliedIndex++;
    }

    void onDurable(Runnable listener) {
        durableListeners.add(listener);
    }

    private void onDurable(long rev) {
        if (rev > durableRev) {
            durableRev = rev;
        }
        durableListeners.forEach(Runnable::run);
        snapshots.afterSync();
    }

    /** Completes with {@code value} once log record {@code seq} is synced (or fails if the log failed). */
    <T> CompletableFuture<T> whenSynced(long seq, T value) {
        CompletableFuture<T> done = new CompletableFuture<>();
        wal.whenSynced(seq, () -> {
            if (wal.isSynced(seq)) {
                done.complete(value);
            } else {
                IOException f = wal.failure();
                done.completeExceptionally(f != null ? Errors.storageFailed(f) : Errors.stopped());
            }
        });
        return done;
    }

    ResponseHeader header(long rev) {
        return ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRevision(rev)
                .setRaftTerm(2)
                .build();
    }

    long dbSize() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- reads

    <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    RangeResponse range(RangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw Errors.emptyKey();
        }
        return read(() -> {
            long cur = durableRev;
            return Kv.range(mvcc, r, cur).setHeader(header(cur)).build();
        });
    }

    void events(long from, long to, Consumer<Mvcc.Change[]> perRevision) {
        lock.readLock().lock();
        try {
            mvcc.events(from, to, perRevision);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Hash, compact revision and current revision for HashKV; see {@link Mvcc#hashKv}. */
    record KvHash(int hash, long compactRev, long rev) {}

    KvHash hashKv(long rev) {
        return read(() -> {
            long cur = durableRev;
            long compacted = mvcc.compactRev();
            if (rev > 0 && rev <= compacted) {
                throw Errors.compacted();
            }
            if (rev > cur) {
                throw Errors.futureRev();
            }
            return new KvHash(mvcc.hashKv(rev > 0 ? rev : cur), compacted, cur);
        });
    }

    /** Leases by expiry (as etcd lists them), for LeaseLeases. */
    List<Long> leaseIds() {
        // expiresAtNanos moves with every keep-alive: sort a copy of it, or the sort's
        // contract breaks while leases are renewed
        List<long[]> byExpiry = new ArrayList<>();
        for (Leases.Lease l : leases.byId.values()) {
            byExpiry.add(new long[] {l.expiresAtNanos, l.id});
        }
        byExpiry.sort(Comparator.comparingLong(x -> x[0]));
        return byExpiry.stream().map(x -> x[1]).toList();
    }

    // ---------------------------------------------------------------- writes: see WritePath

    CompletableFuture<PutResponse> put(PutRequest r) {
        return writes.put(r);
    }

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest r) {
        return writes.deleteRange(r);
    }

    CompletableFuture<TxnResponse> txn(TxnRequest r) {
        return writes.txn(r);
    }

    CompletableFuture<CompactionResponse> compact(CompactionRequest r) {
        return writes.compact(r);
    }

    CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest r) {
        return writes.leaseGrant(r);
    }

    CompletableFuture<LeaseRevokeResponse> leaseRevoke(long id) {
        return writes.leaseRevoke(id);
    }

    /** Revokes every lease past its deadline, each in one revision. */
    void expireLeases() {
        writes.expireLeases();
    }

    // ---------------------------------------------------------------- snapshots: see Snapshots

    /** For Maintenance Snapshot and Hash; see {@link Snapshots#image()}. */
    CompletableFuture<byte[]> snapshotImage() {
        return snapshots.image();
    }

    /** Writes a snapshot now and drops the log before it; see {@link Snapshots#write()}. */
    void snapshot() throws IOException {
        snapshots.write();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        snapshots.close();
        wal.close();
    }
}
