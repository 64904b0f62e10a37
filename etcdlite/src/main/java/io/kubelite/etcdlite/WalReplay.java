package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Recovery at start-up: the newest intact snapshot, then every log record after it,
 * applied in order to an empty {@link Mvcc} and {@link Leases}; then the keys are
 * attached to their leases. Records are those {@link WritePath.Change#encode()} writes.
 *
 * <p>Refuses to recover, rather than serve a history with a hole in it, when log
 * segments after the snapshot are missing or a record is corrupt ({@link IOException}),
 * or when a record does not decode or does not follow the revision before it
 * ({@link UncheckedIOException}); a torn tail of the newest segment is cut, see
 * {@link Wal#read}. Used once, single-threaded, before anything serves.
 */
final class WalReplay {
    private final Mvcc mvcc;
    private final Leases leases;
    private long appliedIndex;

    /** Where the recovered state stands: the log segment to append to and the applied index. */
    record Recovered(long segment, long appliedIndex) {}

    private WalReplay(Mvcc mvcc, Leases leases) {
        this.mvcc = mvcc;
        this.leases = leases;
    }

    /** Rebuilds the state in {@code dir} into {@code mvcc} and {@code leases}, which must be empty. */
    static Recovered run(Path dir, Mvcc mvcc, Leases leases) throws IOException {
        WalReplay replay = new WalReplay(mvcc, leases);
        SnapshotFile.Loaded snap = SnapshotFile.loadNewest(dir, mvcc, leases);
        long start = snap == null ? 0 : snap.number();
        replay.appliedIndex = snap == null ? 0 : snap.appliedIndex();
        List<Long> segs = Wal.segments(dir).stream().filter(n -> n >= start).toList();
        if (!segs.isEmpty() && segs.get(0) != start) {
            throw new IOException(
                    "write-ahead log segments from " + start + " are missing in " + dir + " (found " + segs + ")");
        }
        for (int i = 0; i < segs.size(); i++) {
            Wal.read(Wal.segmentPath(dir, segs.get(i)), i == segs.size() - 1, replay::apply);
        }
        mvcc.latest(kv -> leases.attach(kv.getKey(), kv.getLease()));
        return new Recovered(segs.isEmpty() ? start : segs.get(segs.size() - 1), replay.appliedIndex);
    }

    private void apply(byte[] rec) {
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
                ByteString key = RecordIO.readBytes(in);
                if (op == 1) {
                    ByteString value = RecordIO.readBytes(in);
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
}
