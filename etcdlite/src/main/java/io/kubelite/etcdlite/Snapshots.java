package io.kubelite.etcdlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the backend's state ({@link SnapshotFile} format), for two uses.
 *
 * <p>Log compaction: once the current log segment passes {@code snapshotBytes}
 * ({@link #afterSync()}; 0 = never), a snapshot is written on the snapshot thread; or
 * at once by {@link #write()}. Writing starts a new log segment, stores the state as of
 * its start, then deletes the older segments and snapshots, so start-up replays only
 * the log since.
 *
 * <p>Maintenance Snapshot and Hash: {@link #image()} is a consistent image of the state,
 * completed once everything in it is synced.
 *
 * <p>Owns the snapshot thread; {@link #close()} ends it (interrupting a snapshot in
 * progress, which leaves the log whole) and may be called more than once.
 */
final class Snapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);

    private final Backend be;
    private final Path dir;
    private final Wal wal;
    private final long snapshotBytes;
    private final ExecutorService snapshotter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "etcdlite-snapshot");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();

    Snapshots(Backend be, Path dir, Wal wal, long snapshotBytes) {
        this.be = be;
        this.dir = dir;
        this.wal = wal;
        this.snapshotBytes = snapshotBytes;
    }

    /** Called whenever log records were synced: queues a snapshot when the segment has grown too big. */
    void afterSync() {
        if (snapshotBytes > 0 && wal.segmentBytes() > snapshotBytes && queued.compareAndSet(false, true)) {
            snapshotter.execute(() -> {
                try {
                    write();
                } catch (IOException | RuntimeException e) {
                    LOG.error("snapshot failed; the log keeps growing", e);
                } finally {
                    queued.set(false);
                }
            });
        }
    }

    /** Starts a new log segment, writes the state as of its start, then drops older segments. */
    void write() throws IOException {
        long next;
        byte[] body;
        be.lock.writeLock().lock();
        try {
            next = wal.segment() + 1;
            wal.rotate(next);
            body = SnapshotFile.body(be.leases, be.appliedIndex(), be.mvcc);
        } finally {
            be.lock.writeLock().unlock();
        }
        SnapshotFile.write(dir, next, body);
        for (long s : Wal.segments(dir)) {
            if (s < next) {
                Files.deleteIfExists(Wal.segmentPath(dir, s));
            }
        }
        for (long s : SnapshotFile.list(dir)) {
            if (s < next) {
                Files.deleteIfExists(SnapshotFile.path(dir, s));
            }
        }
        LOG.info("snapshot {} written ({} bytes); older log segments removed", next, body.length);
    }

    /**
     * A consistent image of the durable state in the snapshot file format (head + body),
     * completed once everything it contains is synced, so it never holds a lost write.
     */
    CompletableFuture<byte[]> image() {
        byte[] image;
        long seq;
        be.lock.readLock().lock();
        try {
            image = SnapshotFile.image(SnapshotFile.body(be.leases, be.appliedIndex(), be.mvcc));
            seq = wal.appendedSeq();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            be.lock.readLock().unlock();
        }
        return be.whenSynced(seq, image);
    }

    @Override
    public void close() {
        snapshotter.shutdownNow();
    }
}
