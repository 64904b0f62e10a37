package io.kubelite.etcdlite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: numbered segment files {@code wal-N.log} of records framed as
 * {@code [int length][int crc32c][payload]}. Appends go to a buffer; one syncer thread
 * writes the buffer and fsyncs it, so every writer waiting at that moment shares one
 * fsync (group commit). A record is acknowledged only after its fsync.
 */
final class Wal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
    static final int MAX_RECORD = 256 << 20;

    private record Waiter(long seq, Runnable action) {}

    private final Path dir;
    private final LongConsumer onDurable;
    private final Object mu = new Object();
    private ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 16);
    private long pendingTag;
    private long appendedSeq;
    private long syncedSeq;
    private boolean syncing;
    private boolean closed;
    private IOException failure;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private FileChannel channel;
    private long segment;
    private long segmentBytes;
    private final Thread syncer;

    /** Opens segment {@code segment} for appending at its end. */
    Wal(Path dir, long segment, LongConsumer onDurable) throws IOException {
        this.dir = dir;
        this.segment = segment;
        this.onDurable = onDurable;
        openSegment(segment);
        syncer = new Thread(this::syncLoop, "etcdlite-wal-sync");
        syncer.setDaemon(true);
        syncer.start();
    }

    static Path segmentPath(Path dir, long n) {
        return dir.resolve(String.format("wal-%016d.log", n));
    }

    static List<Long> segments(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("wal-\\d{16}\\.log"))
                    .forEach(n -> out.add(Long.parseLong(n.substring(4, 20))));
        }
        out.sort(null);
        return out;
    }

    private void openSegment(long n) throws IOException {
        Path p = segmentPath(dir, n);
        boolean existed = Files.exists(p);
        channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        segmentBytes = channel.size();
        if (!existed) {
            fsyncDir(dir);
        }
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static byte[] frame(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        return b.array();
    }

    /**
     * Reads every whole, checksummed record of a segment. With {@code truncateTail} (the
     * last segment), what a crash can leave — a short header or record, a zero-filled tail,
     * or a record with a checksum failure and an all-zero (never written) sector — is cut off
     * the file (and fsynced). Anything a crash cannot produce is corruption and an error,
     * as in etcd: a checksum failure without a zero sector (even in the final record), an
     * impossible length, an empty record followed by data.
     */
    static void read(Path file, boolean truncateTail, Consumer<byte[]> records) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.BIG_ENDIAN);
        int good = 0;
        String bad = null;
        while (b.remaining() > 0) {
            if (b.remaining() < 8) {
                bad = "torn header";
                break;
            }
            int len = b.getInt();
            int crc = b.getInt();
            if (len == 0 && crc == 0 && truncateTail && allZero(all, good)) {
                bad = "zero-filled tail"; // the file grew but its data never reached the disk
                break;
            }
            if (len <= 0 || len > MAX_RECORD) {
                // no record is empty and none is larger: only corruption writes such a length
                throw corrupt(file, good, "has an impossible length " + len, all.length - good);
            }
            if (len > b.remaining()) {
                bad = "torn record (length " + len + ", " + b.remaining() + " bytes left)";
                break;
            }
            byte[] payload = new byte[len];
            b.get(payload);
            CRC32C c = new CRC32C();
            c.update(payload);
            if ((int) c.getValue() != crc) {
                if (truncateTail && !tornSector(payload, good + 8)) {
                    // etcd's rule: a checksum failure is a torn write only in a sector that never
                    // reached the disk (all zeros); anything else is corruption of an acknowledged
                    // record, and cutting there would silently drop it and the records after it
                    throw corrupt(file, good, "fails its checksum", all.length - good);
                }
                bad = "checksum mismatch";
                break;
            }
            records.accept(payload);
            good = b.position();
        }
        if (bad != null) {
            if (!truncateTail) {
                throw new IOException("corrupt write-ahead log segment " + file + " at offset " + good + ": " + bad);
            }
            LOG.warn(
                    "write-ahead log {}: {} at offset {}; cutting {} bytes of unacknowledged tail",
                    file,
                    bad,
                    good,
                    all.length - good);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(good);
                ch.force(true);
            }
        }
    }

    private static IOException corrupt(Path file, int offset, String what, int bytesFromThere) {
        return new IOException("corrupt write-ahead log " + file + ": record at offset " + offset + " " + what
                + " (" + bytesFromThere + " bytes from there to the end); refusing to start (cutting the log there"
                + " would lose acknowledged writes)");
    }

    private static boolean allZero(byte[] all, int from) {
        for (int i = from; i < all.length; i++) {
            if (all[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static final int SECTOR = 512;

    /**
     * etcd's {@code isTornEntry}: a record some 512-byte disk sector of which is all zeros
     * was torn by a crash (the sector was never written), not corrupted.
     */
    static boolean tornSector(byte[] payload, long fileOffset) {
        int i = 0;
        long off = fileOffset;
        while (i < payload.length) {
            int n = (int) Math.min(SECTOR - (off % SECTOR), payload.length - i);
            boolean zero = true;
            for (int j = i; j < i + n && zero; j++) {
                zero = payload[j] == 0;
            }
            if (zero) {
                return true;
            }
            i += n;
            off += n;
        }
        return false;
    }

    /** Appends a record; {@code tag} (the revision it makes) is reported to onDurable once synced. */
    long append(byte[] payload, long tag) {
        byte[] framed = frame(payload);
        synchronized (mu) {
            if (closed) {
                throw Errors.stopped();
            }
            if (failure != null) {
                throw Errors.storageFailed(failure);
            }
            pending.write(framed, 0, framed.length);
            pendingTag = Math.max(pendingTag, tag);
            appendedSeq++;
            mu.notifyAll();
            return appendedSeq;
        }
    }

    long appendedSeq() {
        synchronized (mu) {
            return appendedSeq;
        }
    }

    /** Runs {@code action} once record {@code seq} is on disk (at once if it already is), or on failure. */
    void whenSynced(long seq, Runnable action) {
        synchronized (mu) {
            if (syncedSeq < seq && failure == null && !closed) {
                waiters.add(new Waiter(seq, action));
                return;
            }
        }
        action.run();
    }

    boolean isSynced(long seq) {
        synchronized (mu) {
            return syncedSeq >= seq;
        }
    }

    /** Non-null once a write or fsync failed: nothing after it is durable. */
    IOException failure() {
        synchronized (mu) {
            return failure;
        }
    }

    long segmentBytes() {
        synchronized (mu) {
            return segmentBytes;
        }
    }

    private void syncLoop() {
        while (true) {
            ByteArrayOutputStream batch;
            long seq;
            long tag;
            FileChannel ch;
            synchronized (mu) {
                while (pending.size() == 0 && !closed) {
                    try {
                        mu.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.size() == 0) {
                    return;
                }
                batch = pending;
                pending = new ByteArrayOutputStream(Math.max(1 << 16, batch.size()));
                seq = appendedSeq;
                tag = pendingTag;
                syncing = true;
                ch = channel;
            }
            IOException err = null;
            try {
                ByteBuffer buf = ByteBuffer.wrap(batch.toByteArray());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            } catch (IOException e) {
                err = e;
                LOG.error("write-ahead log write failed; no further writes are acknowledged", e);
            }
            List<Runnable> ready = new ArrayList<>();
            synchronized (mu) {
                syncing = false;
                if (err != null) {
                    failure = err;
                    waiters.forEach(w -> ready.add(w.action));
                    waiters.clear();
                } else {
                    syncedSeq = seq;
                    segmentBytes += batch.size();
                    while (!waiters.isEmpty() && waiters.peek().seq <= seq) {
                        ready.add(waiters.poll().action);
                    }
                }
                mu.notifyAll();
            }
            if (err == null) {
                onDurable.accept(tag);
            }
            for (Runnable r : ready) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("completion failed", e);
                }
            }
        }
    }

    /** Waits for everything appended to be synced, then continues in segment {@code next}. */
    void rotate(long next) throws IOException {
        synchronized (mu) {
            while ((pending.size() > 0 || syncing) && failure == null) {
                try {
                    mu.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while rotating the log", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            channel.close();
            segment = next;
            openSegment(next);
        }
    }

    long segment() {
        synchronized (mu) {
            return segment;
        }
    }

    @Override
    public void close() {
        synchronized (mu) {
            closed = true;
            mu.notifyAll();
        }
        try {
            syncer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Runnable> left;
        synchronized (mu) {
            left = new ArrayList<>();
            waiters.forEach(w -> left.add(w.action));
            waiters.clear();
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing the log", e);
            }
        }
        left.forEach(Runnable::run);
    }
}
