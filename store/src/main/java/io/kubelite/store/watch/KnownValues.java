package io.kubelite.store.watch;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Objects this process wrote itself, by etcd key and the revision that wrote them, so that a
 * {@link ResourceWatch} of those keys delivers the object already in memory instead of
 * decoding etcd's copy of the same value. etcd writes a key at most once per revision, so
 * key and mod_revision name exactly one value: a watched change at any other revision (a
 * write by anyone else, or a later one) is decoded as usual.
 *
 * <p>Contract of {@link #remember}: the object must be the one decoding the value written at
 * that key in that revision yields ({@code ObjectStore.update}'s or {@code create}'s result:
 * resourceVersion, apiVersion and kind filled in). A watch asks for its registry once, when it
 * opens ({@link WatchListener#knownValues()}).
 *
 * <p>Bounded: an entry leaves when the watch reaches its key at or past its revision; entries
 * remembered after the watch passed them (the write's reply arrived after its watch event) are
 * swept once the registry has doubled since the last sweep. Thread-safe.
 */
public final class KnownValues<T> {
    private static final int MIN_SWEEP = 1024;

    private record Entry<T>(long revision, T object) {}

    private final ConcurrentHashMap<String, Entry<T>> entries = new ConcurrentHashMap<>();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong sweepAt = new AtomicLong(MIN_SWEEP);
    private final LongAdder hits = new LongAdder();

    /** {@code obj} is what {@code key} holds as of {@code revision} (see the class contract). */
    public void remember(String key, long revision, T obj) {
        Objects.requireNonNull(obj);
        if (revision <= passed.get()) {
            return; // the watch has delivered that revision already
        }
        entries.merge(key, new Entry<>(revision, obj), (had, now) -> now.revision() >= had.revision() ? now : had);
        if (entries.size() >= sweepAt.get()) {
            sweep();
        }
    }

    /**
     * For the watch: the object remembered for {@code key} at exactly {@code revision}, or null
     * (then decode); forgets what was remembered for the key up to {@code revision}.
     */
    T take(String key, long revision) {
        Entry<T> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.revision() <= revision) {
            entries.remove(key, e);
        }
        if (e.revision() != revision) {
            return null;
        }
        hits.increment();
        return e.object();
    }

    /** For the watch: everything up to {@code revision} has been delivered. */
    void passed(long revision) {
        passed.accumulateAndGet(revision, Math::max);
    }

    /** How many watched changes were delivered from this registry instead of decoded. */
    public long hits() {
        return hits.sum();
    }

    /** Entries held (remembered and not yet reached by the watch or swept). */
    public int size() {
        return entries.size();
    }

    private synchronized void sweep() {
        if (entries.size() < sweepAt.get()) {
            return;
        }
        long p = passed.get();
        entries.values().removeIf(e -> e.revision() <= p);
        sweepAt.set(Math.max(MIN_SWEEP, 2L * entries.size()));
    }
}
