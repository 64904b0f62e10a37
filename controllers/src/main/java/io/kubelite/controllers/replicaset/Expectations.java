package io.kubelite.controllers.replicaset;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * client-go's {@code UIDTrackingControllerExpectations}: how many creates and which
 * deletes a controller is still waiting to see in its informer. While expectations are
 * pending the controller does not act on the (stale) cache, so watch lag cannot make it
 * create or delete twice. Pending expectations expire after {@link #TIMEOUT}, so a lost
 * event cannot wedge a ReplicaSet. Thread-safe.
 */
public final class Expectations {
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final class Entry {
        long add;
        long del;
        Instant timestamp = Instant.now();
        final Set<String> deleteKeys = new HashSet<>();
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Duration timeout;

    public Expectations() {
        this(TIMEOUT);
    }

    Expectations(Duration timeout) {
        this.timeout = timeout;
    }

    /** True when nothing is pending for {@code key}, or what is pending has expired. */
    public synchronized boolean satisfied(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return true;
        }
        if (e.add <= 0 && e.del <= 0) {
            return true;
        }
        return e.timestamp.plus(timeout).isBefore(Instant.now());
    }

    public synchronized void expectCreations(String key, int n) {
        Entry e = new Entry();
        e.add = n;
        entries.put(key, e);
    }

    public synchronized void expectDeletions(String key, List<String> podKeys) {
        Entry e = new Entry();
        e.deleteKeys.addAll(podKeys);
        e.del = e.deleteKeys.size();
        entries.put(key, e);
    }

    /** Creates and deletes expected together (client-go's {@code SetExpectations}), replacing what was pending. */
    public synchronized void expect(String key, int creations, List<String> podKeys) {
        Entry e = new Entry();
        e.add = creations;
        e.deleteKeys.addAll(podKeys);
        e.del = e.deleteKeys.size();
        entries.put(key, e);
    }

    public synchronized void creationObserved(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            e.add--;
        }
    }

    /** Counts a delete once per pod, however many times it is observed (update with deletionTimestamp, then delete). */
    public synchronized void deletionObserved(String key, String podKey) {
        Entry e = entries.get(key);
        if (e != null && e.deleteKeys.remove(podKey)) {
            e.del--;
        }
    }

    public synchronized void delete(String key) {
        entries.remove(key);
    }

    /** Pending creates and deletes, for logs and tests. */
    public synchronized String describe(String key) {
        Entry e = entries.get(key);
        return e == null ? "none" : "add=" + e.add + " del=" + e.del;
    }
}
