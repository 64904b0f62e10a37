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
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The state machine: MVCC store and leases in memory, every change logged before it is
 * acknowledged. Writers serialise on a write lock, apply to memory at revision
 * {@code applied}, append the change to the log and are answered once it is synced.
 * Readers see only {@link #durableRev()}: nothing that could be lost in a crash is
 * ever visible to a client.
 */
final class Backend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static final long SNAP_MAGIC = 0x6574636c69746531L; // "etclite1"
    /** etcd's default --max-request-bytes. */
    static final int MAX_REQUEST_BYTES = 1536 * 1024;
    static final int MAX_TXN_OPS = 128;

    private final Path dir;
    private final long snapshotBytes;
    private final int maxRequestBytes;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Mvcc mvcc = new Mvcc();
    final Leases leases = new Leases();
    private final Wal wal;
    private volatile long durableRev;
    private volatile long appliedIndex;
    private final long clusterId;
    private final long memberId;
    private final List<Runnable> durableListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService snapshotter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "etcdlite-snapshot");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean snapshotQueued = new AtomicBoolean();
    private final SecureRandom random = new SecureRandom();

    Backend(Path dir, long snapshotBytes, int maxRequestBytes) throws IOException {
        this.dir = dir;
        this.snapshotBytes = snapshotBytes;
        this.maxRequestBytes = maxRequestBytes;
        Files.createDirectories(dir);
        long[] ids = memberIds(dir);
        this.clusterId = ids[0];
        this.memberId = ids[1];
        long start = loadSnapshot();
        List<Long> segs = Wal.segments(dir).stream().filter(n -> n >= start).toList();
        if (!segs.isEmpty() && segs.get(0) != start) {
            throw new IOException("write-ahead log segments from " + start + " are missing in " + dir + " (found " + segs + ")");
        }
        for (int i = 0; i < segs.size(); i++) {
            Wal.read(Wal.segmentPath(dir, segs.get(i)), i == segs.size() - 1, this::replay);
        }
        mvcc.latest(kv -> leases.attach(kv.getKey(), kv.getLease()));
        durableRev = mvcc.rev();
        wal = new Wal(dir, segs.isEmpty() ? start : segs.get(segs.size() - 1), this::onDurable);
        LOG.info("etcdlite data in {}: revision {}, compacted at {}, {} keys, {} leases", dir, mvcc.rev(),
                mvcc.compactRev(), mvcc.keyCount(), leases.byId.size());
    }

    private static long[] memberIds(Path dir) throws IOException {
        Path f = dir.resolve("member");
        if (!Files.exists(f)) {
            SecureRandom r = new SecureRandom();
            String ids = Long.toUnsignedString(r.nextLong() >>> 1) + " " + Long.toUnsignedString(r.nextLong() >>> 1) + "\n";
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

    void onDurable(Runnable listener) {
        durableListeners.add(listener);
    }

    private void onDurable(long rev) {
        if (rev > durableRev) {
            durableRev = rev;
        }
        durableListeners.forEach(Runnable::run);
        if (snapshotBytes > 0 && wal.segmentBytes() > snapshotBytes && snapshotQueued.compareAndSet(false, true)) {
            snapshotter.execute(() -> {
                try {
                    snapshot();
                } catch (IOException | RuntimeException e) {
                    LOG.error("snapshot failed; the log keeps growing", e);
                } finally {
                    snapshotQueued.set(false);
                }
            });
        }
    }

    ResponseHeader header(long rev) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(rev).setRaftTerm(2).build();
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

    void events(long from, long to, java.util.function.Consumer<Mvcc.Change[]> perRevision) {
        lock.readLock().lock();
        try {
            mvcc.events(from, to, perRevision);
        } finally {
            lock.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- writes

    /** A change to log: the writer's puts and deletes plus lease and compaction bookkeeping. */
    final class Change {
        final Mvcc.Writer w = mvcc.writer();
        final ByteArrayOutputStream ops = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(ops);
        int nOps;
        final List<long[]> grants = new ArrayList<>();
        final List<Long> revokes = new ArrayList<>();
        long compact;

        KeyValue put(ByteString key, ByteString value, long lease) {
            KeyValue prev = w.put(key, value, lease);
            if (prev != null) {
                leases.detach(key, prev.getLease());
            }
            leases.attach(key, lease);
            try {
                out.writeByte(1);
                Codec.writeBytes(out, key);
                Codec.writeBytes(out, value);
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
                Codec.writeBytes(out, key);
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
     * everything it may have seen is synced.
     */
    <T> CompletableFuture<T> write(WriteBody<T> body) {
        CompletableFuture<T> done = new CompletableFuture<>();
        long seq;
        T result;
        lock.writeLock().lock();
        try {
            Change c = new Change();
            result = body.apply(c);
            if (c.loggable()) {
                byte[] rec = c.encode();
                seq = wal.append(rec, c.w.readRev());
                mvcc.commit(c.w);
                if (c.compact > 0) {
                    mvcc.compact(c.compact);
                }
                for (long id : c.revokes) {
                    leases.byId.remove(id);
                }
                for (long[] g : c.grants) {
                    leases.byId.put(g[0], new Leases.Lease(g[0], g[1]));
                }
                appliedIndex++;
            } else {
                seq = wal.appendedSeq();
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return done;
        } finally {
            lock.writeLock().unlock();
        }
        T r = result;
        wal.whenSynced(seq, () -> {
            if (wal.isSynced(seq)) {
                done.complete(r);
            } else {
                IOException f = wal.failure();
                done.completeExceptionally(f != null ? Errors.storageFailed(f) : Errors.stopped());
            }
        });
        return done;
    }

    CompletableFuture<PutResponse> put(PutRequest r) {
        Kv.checkPut(r);
        if (r.getSerializedSize() > maxRequestBytes) {
            throw Errors.requestTooLarge();
        }
        return write(c -> {
            Kv.checkPutState(this, r, c.w.readRev());
            PutResponse.Builder b = Kv.put(c, r);
            return b.setHeader(header(c.w.readRev())).build();
        });
    }

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw Errors.emptyKey();
        }
        return write(c -> Kv.delete(c, r).setHeader(header(c.w.readRev())).build());
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
            lock.readLock().lock();
            try {
                long rev = mvcc.rev();
                resp = Kv.readOnlyTxn(this, r, rev).setHeader(header(rev)).build();
                seq = wal.appendedSeq();
            } finally {
                lock.readLock().unlock();
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
        return write(c -> Kv.txn(this, c, r).setHeader(header(c.w.readRev())).build());
    }

    CompletableFuture<CompactionResponse> compact(CompactionRequest r) {
        return write(c -> {
            if (r.getRevision() > mvcc.rev()) {
                throw Errors.futureRev();
            }
            if (r.getRevision() <= mvcc.compactRev()) {
                throw Errors.compacted();
            }
            c.compact = r.getRevision();
            return CompactionResponse.newBuilder().setHeader(header(mvcc.rev())).build();
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
                } while (id == 0 || leases.get(id) != null);
            } else if (leases.get(id) != null) {
                throw Errors.leaseExists();
            }
            long ttl = Math.max(Leases.MIN_TTL, r.getTTL());
            c.grants.add(new long[] {id, ttl});
            return LeaseGrantResponse.newBuilder().setHeader(header(mvcc.rev())).setID(id).setTTL(ttl).build();
        });
    }

    CompletableFuture<LeaseRevokeResponse> leaseRevoke(long id) {
        return write(c -> {
            Leases.Lease l = leases.get(id);
            if (l == null) {
                throw Errors.leaseNotFound();
            }
            for (ByteString key : new ArrayList<>(l.keys)) {
                c.delete(key);
            }
            c.revokes.add(id);
            return LeaseRevokeResponse.newBuilder().setHeader(header(c.w.readRev())).build();
        });
    }

    /** Revokes every lease past its deadline, each in one revision. */
    void expireLeases() {
        long now = System.nanoTime();
        for (Leases.Lease l : leases.byId.values()) {
            if (l.expired(now)) {
                leaseRevoke(l.id).exceptionally(e -> null);
            }
        }
    }

    // ---------------------------------------------------------------- recovery and snapshots

    private void replay(byte[] rec) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(rec));
            if (in.readByte() != 1) {
                throw new IOException("unknown record version");
            }
            long rev = in.readLong();
            int ng = in.readInt();
            for (int i = 0; i < ng; i++) {
                long id = in.readLong();
                long ttl = in.readLong();
                leases.byId.put(id, new Leases.Lease(id, ttl));
            }
            int nr = in.readInt();
            long[] revokes = new long[nr];
            for (int i = 0; i < nr; i++) {
                revokes[i] = in.readLong();
            }
            long compact = in.readLong();
            int n = in.readInt();
            Mvcc.Writer w = mvcc.writer();
            for (int i = 0; i < n; i++) {
                byte op = in.readByte();
                ByteString key = Codec.readBytes(in);
                if (op == 1) {
                    ByteString value = Codec.readBytes(in);
                    w.put(key, value, in.readLong());
                } else {
                    w.delete(key);
                }
            }
            if (n > 0 && w.newRev != rev) {
                throw new IOException("log record for revision " + rev + " follows revision " + mvcc.rev());
            }
            mvcc.commit(w);
            for (long id : revokes) {
                leases.byId.remove(id);
            }
            if (compact > 0) {
                mvcc.compact(compact);
            }
            appliedIndex++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path snapPath(Path dir, long n) {
        return dir.resolve(String.format("snap-%016d.snap", n));
    }

    private List<Long> snapshots() throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("snap-\\d{16}\\.snap"))
                    .forEach(n -> out.add(Long.parseLong(n.substring(5, 21))));
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    /** Loads the newest intact snapshot; returns the first log segment to replay after it. */
    private long loadSnapshot() throws IOException {
        for (long n : snapshots()) {
            byte[] all = Files.readAllBytes(snapPath(dir, n));
            ByteBuffer b = ByteBuffer.wrap(all);
            if (all.length < 16 || b.getLong() != SNAP_MAGIC) {
                LOG.warn("snapshot {} is not a snapshot; trying an older one", n);
                continue;
            }
            int len = b.getInt();
            int crc = b.getInt();
            if (len != all.length - 16) {
                LOG.warn("snapshot {} is truncated; trying an older one", n);
                continue;
            }
            CRC32C c = new CRC32C();
            c.update(all, 16, len);
            if ((int) c.getValue() != crc) {
                LOG.warn("snapshot {} fails its checksum; trying an older one", n);
                continue;
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 16, len));
            int nl = in.readInt();
            for (int i = 0; i < nl; i++) {
                long id = in.readLong();
                leases.byId.put(id, new Leases.Lease(id, in.readLong()));
            }
            appliedIndex = in.readLong();
            mvcc.readFrom(in);
            return n;
        }
        return 0;
    }

    /** The retained state (leases sorted by id, applied index, MVCC); the caller holds the lock. */
    private byte[] stateBody() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        List<Leases.Lease> ls = new ArrayList<>(leases.byId.values());
        ls.sort(Comparator.comparingLong(l -> l.id));
        out.writeInt(ls.size());
        for (Leases.Lease l : ls) {
            out.writeLong(l.id);
            out.writeLong(l.ttl);
        }
        out.writeLong(appliedIndex);
        mvcc.writeTo(out);
        out.flush();
        return bytes.toByteArray();
    }

    /** The 16-byte head of a snapshot file: magic, body length, body crc32c. */
    private static byte[] snapshotHead(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(16).putLong(SNAP_MAGIC).putInt(body.length).putInt((int) crc.getValue()).array();
    }

    /**
     * A consistent image of the durable state in the snapshot file format (head + body),
     * completed once everything it contains is synced, so it never holds a lost write.
     */
    CompletableFuture<byte[]> snapshotImage() {
        byte[] image;
        long seq;
        lock.readLock().lock();
        try {
            byte[] body = stateBody();
            image = new byte[16 + body.length];
            System.arraycopy(snapshotHead(body), 0, image, 0, 16);
            System.arraycopy(body, 0, image, 16, body.length);
            seq = wal.appendedSeq();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
        return whenSynced(seq, image);
    }

    /** Completes with {@code value} once log record {@code seq} is synced (or fails if the log failed). */
    private <T> CompletableFuture<T> whenSynced(long seq, T value) {
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

    /** Hash, compact revision and current revision for HashKV; see {@link Mvcc#hashKv}. */
    record KvHash(int hash, long compactRev, long rev) {
    }

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
            byExpiry.add(new long[]{l.expiresAtNanos, l.id});
        }
        byExpiry.sort(Comparator.comparingLong(x -> x[0]));
        return byExpiry.stream().map(x -> x[1]).toList();
    }

    /** Starts a new log segment, writes the state as of its start, then drops older segments. */
    void snapshot() throws IOException {
        long next;
        byte[] body;
        lock.writeLock().lock();
        try {
            next = wal.segment() + 1;
            wal.rotate(next);
            body = stateBody();
        } finally {
            lock.writeLock().unlock();
        }
        Path tmp = dir.resolve("snap.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer[] bufs = {ByteBuffer.wrap(snapshotHead(body)), ByteBuffer.wrap(body)};
            while (bufs[1].hasRemaining()) {
                ch.write(bufs);
            }
            ch.force(true);
        }
        Files.move(tmp, snapPath(dir, next), StandardCopyOption.ATOMIC_MOVE);
        Wal.fsyncDir(dir);
        for (long s : Wal.segments(dir)) {
            if (s < next) {
                Files.deleteIfExists(Wal.segmentPath(dir, s));
            }
        }
        for (long s : snapshots()) {
            if (s < next) {
                Files.deleteIfExists(snapPath(dir, s));
            }
        }
        LOG.info("snapshot {} written ({} bytes); older log segments removed", next, body.length);
    }

    @Override
    public void close() {
        snapshotter.shutdownNow();
        wal.close();
    }
}
