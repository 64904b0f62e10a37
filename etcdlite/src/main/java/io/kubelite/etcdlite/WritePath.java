package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The write path: every request that changes state (put, delete, txn, compaction, lease
 * grant and revoke) runs under the backend's write lock against the applied state, its
 * change is appended to the {@link Wal} and applied in memory, and the answer completes
 * once the log record is synced. A request that changed nothing still waits until
 * everything it may have seen is synced, so no answer ever shows a write that a crash
 * could lose. Thread-safe; holds no thread of its own (the {@link Wal} syncs).
 */
final class WritePath {
    private final Backend be;
    private final Wal wal;
    private final int maxRequestBytes;
    private final SecureRandom random = new SecureRandom();

    WritePath(Backend be, Wal wal, int maxRequestBytes) {
        this.be = be;
        this.wal = wal;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * A change being made: the writer's puts and deletes plus lease and compaction
     * bookkeeping, and its log record. The record ({@link #encode()}; read back by
     * {@link WalReplay}) is: version byte 1, {@code long} revision read at, {@code int}
     * count of granted leases and {@code long} id and TTL each, {@code int} count of
     * revoked lease ids and each, {@code long} compaction revision (0 = none),
     * {@code int} count of operations and each: byte 1, key, value, {@code long} lease
     * for a put; byte 2, key for a delete (keys and values as {@link RecordIO} writes them).
     */
    static final class Change {
        final Mvcc.Writer w;
        private final Leases leases;
        private final ByteArrayOutputStream ops = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(ops);
        private int nOps;
        final List<long[]> grants = new ArrayList<>();
        final List<Long> revokes = new ArrayList<>();
        long compact;

        Change(Mvcc mvcc, Leases leases) {
            this.w = mvcc.writer();
            this.leases = leases;
        }

        KeyValue put(ByteString key, ByteString value, long lease) {
            KeyValue prev = w.put(key, value, lease);
            if (prev != null) {
                leases.detach(key, prev.getLease());
            }
            leases.attach(key, lease);
            try {
                out.writeByte(1);
                RecordIO.writeBytes(out, key);
                RecordIO.writeBytes(out, value);
                out.writeLong(lease);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            nOps++;
            return prev;
        }

        KeyValue delete(ByteString key) {
            KeyValue prev = w.delete(key);
            if (prev == null) {
                return null;
            }
            leases.detach(key, prev.getLease());
            try {
                out.writeByte(2);
                RecordIO.writeBytes(out, key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            nOps++;
            return prev;
        }

        boolean loggable() {
            return nOps > 0 || !grants.isEmpty() || !revokes.isEmpty() || compact > 0;
        }

        byte[] encode() {
            try {
                ByteArrayOutputStream b = new ByteArrayOutputStream(ops.size() + 64);
                DataOutputStream d = new DataOutputStream(b);
                d.writeByte(1);
                d.writeLong(w.readRev());
                d.writeInt(grants.size());
                for (long[] g : grants) {
                    d.writeLong(g[0]);
                    d.writeLong(g[1]);
                }
                d.writeInt(revokes.size());
                for (long id : revokes) {
                    d.writeLong(id);
                }
                d.writeLong(compact);
                d.writeInt(nOps);
                ops.writeTo(d);
                d.flush();
                return b.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    interface WriteBody<T> {
        T apply(Change c);
    }

    /**
     * Runs {@code body} under the write lock; when it changed anything, logs the change
     * and completes once it is synced. A body that changed nothing still waits until
     * everything it may have seen is synced. A body that throws fails the future.
     */
    <T> CompletableFuture<T> write(WriteBody<T> body) {
        long seq;
        T result;
        be.lock.writeLock().lock();
        try {
            Change c = new Change(be.mvcc, be.leases);
            result = body.apply(c);
            if (c.loggable()) {
                byte[] rec = c.encode();
                seq = wal.append(rec, c.w.readRev());
                be.mvcc.commit(c.w);
                if (c.compact > 0) {
                    be.mvcc.compact(c.compact);
                }
                for (long id : c.revokes) {
                    be.leases.byId.remove(id);
                }
                for (long[] g : c.grants) {
                    be.leases.byId.put(g[0], new Leases.Lease(g[0], g[1]));
                }
                be.advanceAppliedIndex();
            } else {
                seq = wal.appendedSeq();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            be.lock.writeLock().unlock();
        }
        return be.whenSynced(seq, result);
    }

    CompletableFuture<PutResponse> put(PutRequest r) {
        Kv.checkPut(r);
        if (r.getSerializedSize() > maxRequestBytes) {
            throw Errors.requestTooLarge();
        }
        return write(c -> {
            Kv.checkPutState(be, r, c.w.readRev());
            PutResponse.Builder b = Kv.put(c, r);
            return b.setHeader(be.header(c.w.readRev())).build();
        });
    }

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw Errors.emptyKey();
        }
        return write(c -> Kv.delete(c, r).setHeader(be.header(c.w.readRev())).build());
    }

    CompletableFuture<TxnResponse> txn(TxnRequest r) {
        Kv.checkTxn(r);
        if (r.getSerializedSize() > maxRequestBytes) {
            throw Errors.requestTooLarge();
        }
        if (!Kv.hasWrites(r)) {
            // read-only: evaluate on the applied state under the read lock, answer once it is durable
            long seq;
            TxnResponse resp;
            be.lock.readLock().lock();
            try {
                long rev = be.mvcc.rev();
                resp = Kv.readOnlyTxn(be, r, rev).setHeader(be.header(rev)).build();
                seq = wal.appendedSeq();
            } finally {
                be.lock.readLock().unlock();
            }
            CompletableFuture<TxnResponse> done = new CompletableFuture<>();
            wal.whenSynced(seq, () -> {
                if (wal.isSynced(seq)) {
                    done.complete(resp);
                } else {
                    done.completeExceptionally(Errors.stopped());
                }
            });
            return done;
        }
        return write(c -> Kv.txn(be, c, r).setHeader(be.header(c.w.readRev())).build());
    }

    CompletableFuture<CompactionResponse> compact(CompactionRequest r) {
        return write(c -> {
            if (r.getRevision() > be.mvcc.rev()) {
                throw Errors.futureRev();
            }
            if (r.getRevision() <= be.mvcc.compactRev()) {
                throw Errors.compacted();
            }
            c.compact = r.getRevision();
            return CompactionResponse.newBuilder()
                    .setHeader(be.header(be.mvcc.rev()))
                    .build();
        });
    }

    CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest r) {
        return write(c -> {
            if (r.getTTL() > Leases.MAX_TTL) {
                throw Errors.leaseTtlTooLarge();
            }
            long id = r.getID();
            if (id == 0) {
                do {
                    id = random.nextLong() & Long.MAX_VALUE;
                } while (id == 0 || be.leases.get(id) != null);
            } else if (be.leases.get(id) != null) {
                throw Errors.leaseExists();
            }
            long ttl = Math.max(Leases.MIN_TTL, r.getTTL());
            c.grants.add(new long[] {id, ttl});
            return LeaseGrantResponse.newBuilder()
                    .setHeader(be.header(be.mvcc.rev()))
                    .setID(id)
                    .setTTL(ttl)
                    .build();
        });
    }

    CompletableFuture<LeaseRevokeResponse> leaseRevoke(long id) {
        return write(c -> {
            Leases.Lease l = be.leases.get(id);
            if (l == null) {
                throw Errors.leaseNotFound();
            }
            for (ByteString key : new ArrayList<>(l.keys)) {
                c.delete(key);
            }
            c.revokes.add(id);
            return LeaseRevokeResponse.newBuilder()
                    .setHeader(be.header(c.w.readRev()))
                    .build();
        });
    }

    /** Revokes every lease past its deadline, each in one revision. */
    void expireLeases() {
        long now = System.nanoTime();
        for (Leases.Lease l : be.leases.byId.values()) {
            if (l.expired(now)) {
                leaseRevoke(l.id).exceptionally(e -> null);
            }
        }
    }
}
