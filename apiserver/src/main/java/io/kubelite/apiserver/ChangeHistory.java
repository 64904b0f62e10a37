package io.kubelite.apiserver;

import com.google.protobuf.Message;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A watch cache's bounded history of recent changes: every change with a revision greater
 * than {@link #start()} is held, oldest first. A watch from revision N can be replayed when
 * N ≥ start; older revisions are gone (410 Expired).
 *
 * <p>Bounded as kube-apiserver's watch cache is, by time with a size cap: a change is dropped
 * once it is older than {@code window} (kube's eventFreshDuration, 75 s) and there are more than
 * {@link #MIN_HELD} (kube's lower bound, so that a quiet resource can still be resumed from), or
 * at once when more than {@code capacity} are held. Changes are held without their encodings
 * ({@link WatchChange#unencoded()}), so the history costs a few references per change beyond the
 * objects the cache holds anyway (and the superseded ones of the window).
 *
 * <p>Not thread-safe: the owning {@link WatchCache} calls it under its lock; only
 * {@link #start()} may be read without it.
 */
final class ChangeHistory<T extends Message> {
    /** Kube's eventFreshDuration: how long a change is kept for watchers resuming after a break. */
    static final Duration DEFAULT_WINDOW = Duration.ofSeconds(75);
    /** Kept however old, as kube's lowerBoundCapacity. */
    static final int MIN_HELD = 100;

    private final int capacity;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Held<T>> changes = new ArrayDeque<>();
    private volatile long start;

    private record Held<T extends Message>(WatchChange<T> change, long at) {}

    ChangeHistory(int capacity, Duration window, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Revisions above this one are all held. */
    long start() {
        return start;
    }

    int size() {
        return changes.size();
    }

    /** Appends a change (revisions only grow), dropping what the window and the capacity no longer hold. */
    void add(WatchChange<T> c) {
        changes.addLast(new Held<>(c.unencoded(), nanoClock.getAsLong()));
        while (changes.size() > capacity) {
            start = changes.removeFirst().change().revision();
        }
        trim();
    }

    /** Drops the changes older than the window beyond the {@link #MIN_HELD} newest. */
    void trim() {
        long now = nanoClock.getAsLong();
        while (changes.size() > MIN_HELD && now - changes.peekFirst().at() > windowNanos) {
            start = changes.removeFirst().change().revision();
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
        for (Held<T> h : changes) {
            if (h.change().revision() > revision) {
                // a copy per replay: its encodings go with the delivery, not into the history
                to.accept(h.change().unencoded());
            }
        }
    }
}
