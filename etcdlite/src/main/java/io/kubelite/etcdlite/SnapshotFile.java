package io.kubelite.etcdlite;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot file format. {@code snap-N.snap} holds the state as of the start of log
 * segment N: a 16-byte head ({@code long} magic "etclite1", {@code int} body length,
 * {@code int} CRC-32C of the body), then the body: the leases sorted by id ({@code int}
 * count, then {@code long} id and {@code long} TTL each), the applied index
 * ({@code long}) and the MVCC state ({@link Mvcc#writeTo}). Maintenance Snapshot sends
 * the same bytes. Static helpers only.
 */
final class SnapshotFile {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);
    private static final long MAGIC = 0x6574636c69746531L; // "etclite1"
    static final int HEAD_BYTES = 16;

    private SnapshotFile() {}

    /** A snapshot read at start-up: its number (the first log segment after it) and applied index. */
    record Loaded(long number, long appliedIndex) {}

    static Path path(Path dir, long n) {
        return dir.resolve(String.format("snap-%016d.snap", n));
    }

    /** The numbers of the snapshots in {@code dir}, newest first. */
    static List<Long> list(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("snap-\\d{16}\\.snap"))
                    .forEach(n -> out.add(Long.parseLong(n.substring(5, 21))));
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    /** The body for this state; the caller holds a lock that keeps it still. */
    static byte[] body(Leases leases, long appliedIndex, Mvcc mvcc) throws IOException {
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

    /** The head for {@code body}: magic, length, checksum. */
    static byte[] head(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(HEAD_BYTES)
                .putLong(MAGIC)
                .putInt(body.length)
                .putInt((int) crc.getValue())
                .array();
    }

    /** Head and body in one array, as the file holds them. */
    static byte[] image(byte[] body) {
        byte[] image = new byte[HEAD_BYTES + body.length];
        System.arraycopy(head(body), 0, image, 0, HEAD_BYTES);
        System.arraycopy(body, 0, image, HEAD_BYTES, body.length);
        return image;
    }

    /**
     * Writes snapshot {@code n} so that it is either whole or absent after a crash:
     * a temporary file, synced, renamed into place, and the directory synced.
     */
    static void write(Path dir, long n, byte[] body) throws IOException {
        Path tmp = dir.resolve("snap.tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer[] bufs = {ByteBuffer.wrap(head(body)), ByteBuffer.wrap(body)};
            while (bufs[1].hasRemaining()) {
                ch.write(bufs);
            }
            ch.force(true);
        }
        Files.move(tmp, path(dir, n), StandardCopyOption.ATOMIC_MOVE);
        Wal.fsyncDir(dir);
    }

    /**
     * Loads the newest intact snapshot into {@code mvcc} and {@code leases}; null when
     * there is none. A damaged one is skipped, with a warning, for the next older one.
     */
    static Loaded loadNewest(Path dir, Mvcc mvcc, Leases leases) throws IOException {
        for (long n : list(dir)) {
            byte[] all = Files.readAllBytes(path(dir, n));
            ByteBuffer b = ByteBuffer.wrap(all);
            if (all.length < HEAD_BYTES || b.getLong() != MAGIC) {
                LOG.warn("snapshot {} is not a snapshot; trying an older one", n);
                continue;
            }
            int len = b.getInt();
            int crc = b.getInt();
            if (len != all.length - HEAD_BYTES) {
                LOG.warn("snapshot {} is truncated; trying an older one", n);
                continue;
            }
            CRC32C c = new CRC32C();
            c.update(all, HEAD_BYTES, len);
            if ((int) c.getValue() != crc) {
                LOG.warn("snapshot {} fails its checksum; trying an older one", n);
                continue;
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, HEAD_BYTES, len));
            int nl = in.readInt();
            for (int i = 0; i < nl; i++) {
                long id = in.readLong();
                leases.byId.put(id, new Leases.Lease(id, in.readLong()));
            }
            long appliedIndex = in.readLong();
            mvcc.readFrom(in);
            return new Loaded(n, appliedIndex);
        }
        return null;
    }
}
