package io.kubelite.apiserver;

import com.google.protobuf.Message;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A watch cache's bounded history of recent changes: every change with a revision greater
 * than {@link #start()} is held, at most {@code capacity} of them, oldest first. A watch
 * from revision N can be replayed when N ≥ start; older revisions are gone (410 Expired).
 *
 * <p>Not thread-safe: the owning {@link WatchCache} calls it under its lock; only
 * {@link #start()} may be read without it.
 */
final class ChangeHistory<T extends Message> {
    private final int capacity;
    private final ArrayDeque<WatchChange<T>> changes = new ArrayDeque<>();
    private volatile long start;

    ChangeHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Revisions above this one are all held. */
    long start() {
        return start;
    }

    /** Appends a change (revisions only grow), dropping the oldest beyond the capacity. */
    void add(WatchChange<T> c) {
        changes.addLast(c);
        while (changes.size() > capacity) {
            start = changes.removeFirst().revision();
        }
    }

    /** Forgets everything: the history starts again after {@code revision} (a relist's). */
    void restartAt(long revision) {
        changes.clear();
        start = revision;
    }

    /** True when a watch from {@code revision} can be replayed. */
    boolean holds(long revision) {
        return revision >= start;
    }

    /** Hands every held change after {@code revision} to {@code to}, oldest first. */
    void replayAfter(long revision, Consumer<WatchChange<T>> to) {
        for (WatchChange<T> c : changes) {
            if (c.revision() > revision) {
                to.accept(c);
            }
        }
    }
}
