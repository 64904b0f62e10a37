package io.kubelite.store.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Keys waiting for a point in time, at most one pending time per key (the soonest
 * offered). Times are {@link System#nanoTime()} values and are compared by difference,
 * as nanoTime requires.
 *
 * <p>Not thread-safe: the owning {@link WorkQueue} guards it with its lock.
 */
final class DelayedKeys<K> {

    private record Entry<K>(long readyAt, long seq, K key) {}

    private final PriorityQueue<Entry<K>> heap = new PriorityQueue<>(DelayedKeys::compare);
    private final Map<K, Entry<K>> pending = new HashMap<>();
    private long seq;

    private static int compare(Entry<?> a, Entry<?> b) {
        int byTime = Long.signum(a.readyAt - b.readyAt);
        return byTime != 0 ? byTime : Long.compare(a.seq, b.seq);
    }

    /**
     * Schedules {@code key} at {@code readyAt} unless it is already due no later.
     *
     * @return whether the key's due time changed (a waiter may need to wake sooner)
     */
    boolean offer(K key, long readyAt) {
        Entry<K> current = pending.get(key);
        if (current != null && current.readyAt - readyAt <= 0) {
            return false;
        }
        // The superseded entry stays in the heap and is skipped when it surfaces:
        // removing it would cost O(n), and a key is rarely re-offered sooner.
        Entry<K> entry = new Entry<>(readyAt, seq++, key);
        pending.put(key, entry);
        heap.add(entry);
        return true;
    }

    /** Removes and returns the keys due at {@code now}, earliest first. */
    List<K> pollDue(long now) {
        List<K> due = new ArrayList<>();
        while (!heap.isEmpty() && heap.peek().readyAt - now <= 0) {
            Entry<K> entry = heap.poll();
            if (pending.get(entry.key) == entry) {
                pending.remove(entry.key);
                due.add(entry.key);
            }
        }
        return due;
    }

    /** Nanoseconds from {@code now} until the next entry is due; {@link Long#MAX_VALUE} if none. */
    long nanosUntilNext(long now) {
        Entry<K> head = heap.peek();
        return head == null ? Long.MAX_VALUE : Math.max(0L, head.readyAt - now);
    }

    /** Number of keys with a pending time. */
    int size() {
        return pending.size();
    }

    void clear() {
        heap.clear();
        pending.clear();
    }
}
