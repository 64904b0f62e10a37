package io.kubelite.kubelet.logging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One node's bounded on-disk spool of captured lines: append-only segment files of one record
 * (a line of bytes ending in {@code \n}) each, read in order by the shipper, and an
 * acknowledgement mark saying up to where the log store has everything.
 *
 * <p>A record is captured once {@link #append} returns: it is in the file (the OS's page cache),
 * so it survives a kill of the process; it is not fsynced, so a power loss may lose the last
 * seconds. The mark is persisted after every acknowledgement; after a crash the records after
 * the persisted mark are read again, and the store's idempotence makes re-sending them safe.
 *
 * <p>Bound: when the segments exceed {@code maxBytes}, the oldest segment is deleted and its
 * records not yet acknowledged (nor in flight) are counted as dropped. The directory is locked
 * while open, so two processes never share a spool. Thread-safe.
 */
public final class LogSpool implements AutoCloseable {
    private static final String SUFFIX = ".spool";
    private static final String MARK = "acked";

    /** A place in the spool: a segment and a byte offset in it. */
    public record Position(long segment, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return segment != o.segment ? Long.compare(segment, o.segment) : Long.compare(offset, o.offset);
        }

        Position max(Position o) {
            return compareTo(o) >= 0 ? this : o;
        }
    }

    /** Records read for one request, and where the next read goes on once they are acknowledged. */
    public record Batch(List<byte[]> records, Position end) {}

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Segment number → its size in bytes. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    /** Segment number → records in it: an overflow counts what it drops without reading the segment. */
    private final TreeMap<Long, Long> records = new TreeMap<>();

    private FileChannel current;
    private Position acked;
    /** The end of the batch being shipped (null when none): its records are not dropped as unshipped. */
    private Position inFlight;

    private boolean closed;

    private LogSpool(Path dir, long maxBytes, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        // eight segments to the bound: an overflow drops an eighth of it
        this.segmentBytes = Math.max(1024, maxBytes / 8);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating it if needed) the spool in {@code dir}, resuming after its persisted mark.
     *
     * @throws IllegalStateException if another process has it open
     */
    public static LogSpool open(Path dir, long maxBytes) throws IOException {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("spool bound must be at least 1024 bytes, not " + maxBytes);
        }
        Files.createDirectories(dir);
        FileChannel lockChannel =
                FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("log spool " + dir + " is in use by another process or kubelet-sim");
        }
        LogSpool spool = new LogSpool(dir, maxBytes, lockChannel, lock);
        try {
            spool.load();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private void load() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    long n = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                    segments.put(n, Files.size(f));
                    records.put(n, newlines(f, 0));
                }
            }
        }
        Position mark = new Position(0, 0);
        Path markFile = dir.resolve(MARK);
        if (Files.exists(markFile)) {
            String[] parts = Files.readString(markFile).trim().split(" ");
            mark = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }
        if (segments.isEmpty()) {
            segments.put(mark.segment() + 1, 0L);
            records.put(mark.segment() + 1, 0L);
        }
        acked = mark.max(new Position(segments.firstKey(), 0));
        openCurrent();
        deleteAcknowledgedSegments();
    }

    private void openCurrent() throws IOException {
        current = FileChannel.open(
                segmentFile(segments.lastKey()),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    private Path segmentFile(long n) {
        return dir.resolve(String.format("%020d%s", n, SUFFIX));
    }

    /**
     * Appends one record (its bytes must not contain {@code \n}; a newline is added).
     *
     * @return how many unshipped records were dropped to stay within the bound (usually 0)
     */
    public synchronized long append(byte[] record) {
        if (closed) {
            return 0;
        }
        try {
            long last = segments.lastKey();
            if (segments.get(last) >= segmentBytes) {
                current.close();
                segments.put(last + 1, 0L);
                records.put(last + 1, 0L);
                openCurrent();
                last++;
            }
            ByteBuffer buf = ByteBuffer.allocate(record.length + 1).put(record).put((byte) '\n');
            buf.flip();
            while (buf.hasRemaining()) {
                current.write(buf);
            }
            segments.merge(last, (long) record.length + 1, Long::sum);
            records.merge(last, 1L, Long::sum);
            long dropped = 0;
            while (bytes() > maxBytes && segments.size() > 1) {
                dropped += dropOldest();
            }
            return dropped;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to log spool " + dir, e);
        }
    }

    private long dropOldest() throws IOException {
        long first = segments.firstKey();
        Position from = inFlight == null ? acked : acked.max(inFlight);
        long dropped = 0;
        if (from.segment() < first || (from.segment() == first && from.offset() == 0)) {
            dropped = records.get(first);
        } else if (from.segment() == first) {
            // partly shipped: once per outage at most, the segment the mark is in
            dropped = newlines(segmentFile(first), from.offset());
        }
        segments.remove(first);
        records.remove(first);
        Files.deleteIfExists(segmentFile(first));
        acked = acked.max(new Position(segments.firstKey(), 0));
        return dropped;
    }

    /**
     * Reads the records after the acknowledged mark, up to {@code maxRecords} or about
     * {@code maxBytes}; only complete records. The batch is in flight until {@link #acknowledge}
     * or {@link #failed}.
     */
    public synchronized Batch read(int maxRecords, int maxBytes) {
        List<byte[]> out = new ArrayList<>();
        Position pos = acked;
        int bytes = 0;
        try {
            while (out.size() < maxRecords && bytes < maxBytes) {
                Long size = segments.get(pos.segment());
                if (size == null || pos.offset() >= size) {
                    Long next = segments.higherKey(pos.segment());
                    if (next == null) {
                        break;
                    }
                    pos = new Position(next, 0);
                    continue;
                }
                int want = (int) Math.min(size - pos.offset(), Math.max(256 * 1024, maxBytes - bytes));
                ByteBuffer buf = ByteBuffer.allocate(want);
                try (FileChannel ch = FileChannel.open(segmentFile(pos.segment()), StandardOpenOption.READ)) {
                    while (buf.hasRemaining() && ch.read(buf, pos.offset() + buf.position()) > 0) {
                        // read what is there
                    }
                }
                byte[] data = buf.array();
                int n = buf.position();
                int start = 0;
                for (int i = 0; i < n && out.size() < maxRecords; i++) {
                    if (data[i] == '\n') {
                        byte[] r = new byte[i - start];
                        System.arraycopy(data, start, r, 0, r.length);
                        out.add(r);
                        bytes += r.length;
                        start = i + 1;
                    }
                }
                if (start == 0) {
                    break; // no complete record (a record larger than what was read cannot be: records are small)
                }
                pos = new Position(pos.segment(), pos.offset() + start);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log spool " + dir, e);
        }
        inFlight = out.isEmpty() ? null : pos;
        return new Batch(out, pos);
    }

    /** The store has every record up to {@code end}: moves and persists the mark, deletes what is done. */
    public synchronized void acknowledge(Position end) {
        inFlight = null;
        if (closed || end.compareTo(acked) <= 0) {
            return;
        }
        acked = end;
        try {
            Path tmp = dir.resolve(MARK + ".tmp");
            Files.writeString(tmp, acked.segment() + " " + acked.offset() + "\n");
            try {
                Files.move(tmp, dir.resolve(MARK), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(MARK), StandardCopyOption.REPLACE_EXISTING);
            }
            deleteAcknowledgedSegments();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the log spool mark in " + dir, e);
        }
    }

    /** The batch in flight was not stored: it is read again next time. */
    public synchronized void failed() {
        inFlight = null;
    }

    private void deleteAcknowledgedSegments() throws IOException {
        while (segments.size() > 1 && segments.firstKey() < acked.segment()) {
            long first = segments.pollFirstEntry().getKey();
            records.remove(first);
            Files.deleteIfExists(segmentFile(first));
        }
    }

    private static long newlines(Path file, long from) throws IOException {
        byte[] data = Files.readAllBytes(file);
        long n = 0;
        for (int i = (int) from; i < data.length; i++) {
            if (data[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Bytes of the segments on disk (what is not yet acknowledged, plus the rest of partly acknowledged segments). */
    public synchronized long bytes() {
        long n = 0;
        for (long s : segments.values()) {
            n += s;
        }
        return n;
    }

    /** Whether records wait to be shipped. */
    public synchronized boolean hasUnshipped() {
        Position end = new Position(segments.lastKey(), segments.lastEntry().getValue());
        return acked.compareTo(end) < 0;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (current != null) {
                current.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close log spool " + dir, e);
        }
    }
}
