package io.kubelite.kubelet.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;

/**
 * The output of one container instance: a bounded ring of lines (the oldest drop first),
 * each with the time it was written, and listeners for {@code follow}. A partial last
 * line is kept until its newline or until the instance ends. Thread-safe.
 */
public final class ContainerLog {
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ContainerLog, List> FOLLOWERS =
            AtomicReferenceFieldUpdater.newUpdater(ContainerLog.class, List.class, "followers");

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ContainerLog, List> CLOSE_LISTENERS =
            AtomicReferenceFieldUpdater.newUpdater(ContainerLog.class, List.class, "closeListeners");

    public static final int MAX_LINES = 1000;
    public static final int MAX_LINE_CHARS = 16 * 1024;

    /**
     * One line of output. {@code seq} is its position in the instance's output (0 for the first
     * line, never reused even when the ring drops it): what a node log agent ships as the line's
     * sequence number, like a position in a CRI log file. A program replayed after a kubelet-sim
     * restart writes the same lines at the same positions again.
     */
    public record Line(long timeMillis, long seq, String text) {}

    // sized small: most containers write a few lines or none (the defaults were ~100 bytes each
    // of every container); both grow as needed
    private final ArrayDeque<Line> lines = new ArrayDeque<>(1);
    private final StringBuilder partial = new StringBuilder(0);
    // List.of() until a follower comes: Listeners swaps them
    private volatile List<Consumer<Line>> followers = List.of();
    private volatile List<Runnable> closeListeners = List.of();
    private final java.util.function.LongSupplier clock;
    /**
     * The log of the container's instance before this one, while this is the current one: kept by
     * {@link ContainerLogStore} (what {@code kubectl logs --previous} shows). A field here rather
     * than a pair in the store takes no bytes (the object's padding had room).
     */
    volatile ContainerLog previous;

    private boolean closed;
    private long nextSeq;

    public ContainerLog(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /** Appends output; complete lines become visible at once. */
    public void write(String text) {
        List<Line> added = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = clock.getAsLong();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n') {
                    added.add(add(now, partial.toString()));
                    partial.setLength(0);
                } else if (partial.length() < MAX_LINE_CHARS) {
                    partial.append(c);
                }
            }
        }
        notifyFollowers(added);
    }

    private Line add(long now, String text) {
        Line l = new Line(now, nextSeq++, text);
        lines.addLast(l);
        while (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
        return l;
    }

    private void notifyFollowers(List<Line> added) {
        for (Line l : added) {
            followers.forEach(f -> f.accept(l));
        }
    }

    /** The bytes the kept lines take, newlines counted: what the container's log file would hold on disk. */
    public synchronized long bytes() {
        long n = partial.length();
        for (Line l : lines) {
            n += l.text().length() + 1;
        }
        return n;
    }

    /** The instance ended: flushes a partial line; followers are told it is over. */
    public void close() {
        List<Line> added = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            if (partial.length() > 0) {
                added.add(add(clock.getAsLong(), partial.toString()));
                partial.setLength(0);
            }
            closed = true;
        }
        notifyFollowers(added);
        closeListeners.forEach(Runnable::run);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** The last {@code tail} lines (all when negative). */
    public synchronized List<Line> tail(int tail) {
        List<Line> all = new ArrayList<>(lines);
        if (tail >= 0 && tail < all.size()) {
            return all.subList(all.size() - tail, all.size());
        }
        return all;
    }

    /**
     * Atomically takes the last {@code tail} lines and registers {@code follower} for
     * later ones, so nothing is missed or repeated. Returns false (not registered) if the
     * log is already closed.
     */
    public synchronized boolean follow(
            int tail, Consumer<List<Line>> snapshot, Consumer<Line> follower, Runnable onClose) {
        snapshot.accept(tail(tail));
        if (closed) {
            return false;
        }
        Listeners.add(FOLLOWERS, this, follower);
        Listeners.add(CLOSE_LISTENERS, this, onClose);
        return true;
    }

    public void unfollow(Consumer<Line> follower, Runnable onClose) {
        Listeners.remove(FOLLOWERS, this, follower);
        Listeners.remove(CLOSE_LISTENERS, this, onClose);
    }
}
