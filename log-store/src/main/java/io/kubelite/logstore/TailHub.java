package io.kubelite.logstore;

import io.kubelite.logstore.index.IndexedLine;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hands each committed group of lines to the live tails. {@link #publish} runs on the store's
 * writer thread right after a commit, so a tail sees exactly the acknowledged lines, in commit
 * order; a {@link Tail} must therefore never block (it queues or drops).
 */
public final class TailHub {
    /** A live tail: receives every committed group of lines. */
    public interface Tail {
        /** Called on the writer thread; must return at once. */
        void deliver(List<IndexedLine> lines);
    }

    private final CopyOnWriteArrayList<Tail> tails = new CopyOnWriteArrayList<>();

    /** Adds a tail; the returned handle removes it (idempotent). */
    public AutoCloseable subscribe(Tail tail) {
        tails.add(tail);
        return () -> tails.remove(tail);
    }

    public int size() {
        return tails.size();
    }

    void publish(List<IndexedLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        for (Tail t : tails) {
            t.deliver(lines);
        }
    }
}
