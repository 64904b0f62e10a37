package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The multi-version key space: every key's versions since the last compaction, and the
 * events of every retained revision (for watch replay). Not thread-safe: {@link Backend}
 * guards it with a read-write lock. A tombstone is a {@link KeyValue} whose version is 0.
 */
final class Mvcc {
    static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();
    static final ByteString NUL = ByteString.copyFrom(new byte[] {0});

    /**
     * One revision's event, without and with its previous value. Each form is serialised
     * at most once, however many watchers it is sent to ({@link #encoded}).
     */
    static final class Change {
        private final Event bare;
        private final Event withPrev;
        private volatile byte[] bareBytes;
        private volatile byte[] withPrevBytes;

        Change(Event bare, Event withPrev) {
            this.bare = bare;
            this.withPrev = withPrev;
        }

        Event bare() {
            return bare;
        }

        Event withPrev() {
            return withPrev;
        }

        /** The serialised event (with or without prev_kv), computed on first use and kept. */
        byte[] encoded(boolean prev) {
            if (prev && withPrev != bare) {
                byte[] b = withPrevBytes;
                if (b == null) {
                    b = withPrev.toByteArray();
                    withPrevBytes = b;
                }
                return b;
            }
            byte[] b = bareBytes;
            if (b == null) {
                b = bare.toByteArray();
                bareBytes = b;
            }
            return b;
        }
    }

    private final TreeMap<ByteString, List<KeyValue>> keys = new TreeMap<>(ORDER);
    private ArrayList<Change[]> log = new ArrayList<>();
    private long logBase = 2;
    private long rev = 1;
    private long compactRev = 0;

    long rev() {
        return rev;
    }

    long compactRev() {
        return compactRev;
    }

    int keyCount() {
        return keys.size();
    }

    /** Keys in [key, end) (end empty = just key; end "\0" = every key from key). */
    NavigableMap<ByteString, List<KeyValue>> span(ByteString key, ByteString end) {
        if (end.isEmpty()) {
            List<KeyValue> h = keys.get(key);
            TreeMap<ByteString, List<KeyValue>> one = new TreeMap<>(ORDER);
            if (h != null) {
                one.put(key, h);
            }
            return one;
        }
        if (end.equals(NUL)) {
            return keys.tailMap(key, true);
        }
        if (ORDER.compare(key, end) >= 0) {
            return new TreeMap<>(ORDER);
        }
        return keys.subMap(key, true, end, false);
    }

    static boolean inRange(ByteString k, ByteString key, ByteString end) {
        if (end.isEmpty()) {
            return k.equals(key);
        }
        if (ORDER.compare(k, key) < 0) {
            return false;
        }
        return end.equals(NUL) || ORDER.compare(k, end) < 0;
    }

    /** The live value of a key history at revision {@code at}, or null. */
    static KeyValue at(List<KeyValue> h, long at) {
        int lo = 0;
        int hi = h.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (h.get(mid).getModRevision() <= at) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return null;
        }
        KeyValue kv = h.get(found);
        return kv.getVersion() == 0 ? null : kv;
    }

    /** Visits the live values in the range at {@code at}, in key order. */
    void range(ByteString key, ByteString end, long at, Consumer<KeyValue> visitor) {
        for (List<KeyValue> h : span(key, end).values()) {
            KeyValue kv = at(h, at);
            if (kv != null) {
                visitor.accept(kv);
            }
        }
    }

    KeyValue get(ByteString key, long at) {
        List<KeyValue> h = keys.get(key);
        return h == null ? null : at(h, at);
    }

    /** Writes to revision {@code rev()+1}; {@link #commit} makes it the current revision. */
    final class Writer {
        final long newRev = rev + 1;
        final List<Change> changes = new ArrayList<>();

        long readRev() {
            return changes.isEmpty() ? rev : newRev;
        }

        Mvcc mvcc() {
            return Mvcc.this;
        }

        /** Puts and returns the previous live value, or null. */
        KeyValue put(ByteString key, ByteString value, long lease) {
            List<KeyValue> h = keys.computeIfAbsent(key, k -> new ArrayList<>(2));
            KeyValue prev = h.isEmpty() ? null : h.get(h.size() - 1);
            if (prev != null && prev.getVersion() == 0) {
                prev = null;
            }
            KeyValue kv = KeyValue.newBuilder()
                    .setKey(key)
                    .setValue(value)
                    .setLease(lease)
                    .setModRevision(newRev)
                    .setCreateRevision(prev == null ? newRev : prev.getCreateRevision())
                    .setVersion(prev == null ? 1 : prev.getVersion() + 1)
                    .build();
            h.add(kv);
            Event bare =
                    Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build();
            changes.add(new Change(
                    bare, prev == null ? bare : bare.toBuilder().setPrevKv(prev).build()));
            return prev;
        }

        /** Deletes the live key and returns its previous value, or null when it was absent. */
        KeyValue delete(ByteString key) {
            List<KeyValue> h = keys.get(key);
            if (h == null || h.isEmpty() || h.get(h.size() - 1).getVersion() == 0) {
                return null;
            }
            KeyValue prev = h.get(h.size() - 1);
            KeyValue tomb =
                    KeyValue.newBuilder().setKey(key).setModRevision(newRev).build();
            h.add(tomb);
            Event bare = Event.newBuilder()
                    .setType(Event.EventType.DELETE)
                    .setKv(tomb)
                    .build();
            changes.add(new Change(bare, bare.toBuilder().setPrevKv(prev).build()));
            return prev;
        }
    }

    Writer writer() {
        return new Writer();
    }

    void commit(Writer w) {
        if (w.changes.isEmpty()) {
            return;
        }
        if (w.newRev != rev + 1) {
            throw new IllegalStateException("writer for " + w.newRev + " committed at " + rev);
        }
        log.add(w.changes.toArray(new Change[0]));
        rev = w.newRev;
    }

    /** The changes of revisions [from, to], in order; from must be ≥ the compact revision. */
    void events(long from, long to, Consumer<Change[]> perRevision) {
        long start = Math.max(from, logBase);
        for (long r = start; r <= to && r <= rev; r++) {
            perRevision.accept(log.get((int) (r - logBase)));
        }
    }

    /** Drops history before {@code at}; reads at {@code at} and later stay exact. */
    void compact(long at) {
        var it = keys.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ByteString, List<KeyValue>> e = it.next();
            List<KeyValue> h = e.getValue();
            int idx = -1;
            for (int i = 0; i < h.size() && h.get(i).getModRevision() <= at; i++) {
                idx = i;
            }
            if (idx < 0) {
                continue;
            }
            int keepFrom = h.get(idx).getVersion() == 0 ? idx + 1 : idx;
            if (keepFrom > 0) {
                List<KeyValue> kept = new ArrayList<>(h.subList(keepFrom, h.size()));
                if (kept.isEmpty()) {
                    it.remove();
                } else {
                    e.setValue(kept);
                }
            }
        }
        if (at > logBase) {
            int drop = (int) Math.min(at - logBase, log.size());
            log = new ArrayList<>(log.subList(drop, log.size()));
            logBase += drop;
        }
        compactRev = Math.max(compactRev, at);
    }

    private static final byte[] KEY_BUCKET = "key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * HashKV's hash of the key-values up to {@code at}: etcd's construction (crc32c over
     * "key", then per retained version in revision order its 17-byte revision key — main
     * revision, '_', sub revision, 't' for a tombstone — and its marshalled KeyValue).
     * Versions of one revision are ordered by key (etcd orders them by operation), and
     * what compaction retains differs slightly, so values are comparable with themselves
     * only, never with a real etcd's.
     */
    int hashKv(long at) {
        List<KeyValue> kvs = new ArrayList<>();
        for (List<KeyValue> h : keys.values()) {
            for (KeyValue kv : h) {
                if (kv.getModRevision() > at) {
                    break;
                }
                kvs.add(kv);
            }
        }
        kvs.sort(Comparator.comparingLong(KeyValue::getModRevision).thenComparing(KeyValue::getKey, ORDER));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(KEY_BUCKET);
        long lastMain = -1;
        long sub = 0;
        java.nio.ByteBuffer revKey = java.nio.ByteBuffer.allocate(18);
        for (KeyValue kv : kvs) {
            sub = kv.getModRevision() == lastMain ? sub + 1 : 0;
            lastMain = kv.getModRevision();
            revKey.clear();
            revKey.putLong(lastMain).put((byte) '_').putLong(sub);
            if (kv.getVersion() == 0) {
                revKey.put((byte) 't');
            }
            crc.update(revKey.array(), 0, revKey.position());
            crc.update(kv.toByteArray());
        }
        return (int) crc.getValue();
    }

    /** Visits the latest live value of every key (used to rebuild lease attachments). */
    void latest(Consumer<KeyValue> visitor) {
        for (List<KeyValue> h : keys.values()) {
            KeyValue kv = h.get(h.size() - 1);
            if (kv.getVersion() != 0) {
                visitor.accept(kv);
            }
        }
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(rev);
        out.writeLong(compactRev);
        out.writeInt(keys.size());
        for (Map.Entry<ByteString, List<KeyValue>> e : keys.entrySet()) {
            RecordIO.writeBytes(out, e.getKey());
            out.writeInt(e.getValue().size());
            for (KeyValue kv : e.getValue()) {
                out.writeLong(kv.getModRevision());
                out.writeLong(kv.getCreateRevision());
                out.writeLong(kv.getVersion());
                out.writeLong(kv.getLease());
                RecordIO.writeBytes(out, kv.getValue());
            }
        }
    }

    /** Loads a snapshot into this (empty) store and rebuilds the event log from the key histories. */
    void readFrom(DataInput in) throws IOException {
        rev = in.readLong();
        compactRev = in.readLong();
        int n = in.readInt();
        List<List<Change>> perRev = new ArrayList<>();
        long base = Math.max(2, compactRev);
        for (long r = base; r <= rev; r++) {
            perRev.add(new ArrayList<>(1));
        }
        for (int i = 0; i < n; i++) {
            ByteString key = RecordIO.readBytes(in);
            int m = in.readInt();
            List<KeyValue> h = new ArrayList<>(m);
            KeyValue prev = null;
            for (int j = 0; j < m; j++) {
                long mod = in.readLong();
                long create = in.readLong();
                long version = in.readLong();
                long lease = in.readLong();
                ByteString value = RecordIO.readBytes(in);
                KeyValue kv = KeyValue.newBuilder()
                        .setKey(key)
                        .setModRevision(mod)
                        .setCreateRevision(create)
                        .setVersion(version)
                        .setLease(lease)
                        .setValue(value)
                        .build();
                h.add(kv);
                if (mod >= base) {
                    Event bare = Event.newBuilder()
                            .setType(version == 0 ? Event.EventType.DELETE : Event.EventType.PUT)
                            .setKv(kv)
                            .build();
                    Event withPrev = prev == null
                            ? bare
                            : bare.toBuilder().setPrevKv(prev).build();
                    perRev.get((int) (mod - base)).add(new Change(bare, withPrev));
                }
                prev = version == 0 ? null : kv;
            }
            keys.put(key, h);
        }
        log = new ArrayList<>(perRev.size());
        for (List<Change> c : perRev) {
            log.add(c.toArray(new Change[0]));
        }
        logBase = base;
    }
}
