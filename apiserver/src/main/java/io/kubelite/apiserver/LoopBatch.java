package io.kubelite.apiserver;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The watchers of one event loop that have events waiting. A change reaching a thousand
 * watchers costs one task on each event loop, not one per watcher: the watch cache marks
 * each watcher ready (from its own thread) and the first mark of a tick schedules a single
 * {@link #drain()} on the loop, which flushes every ready watcher (each writes all its
 * pending events at once).
 *
 * <p>Thread-safe: {@link #ready} may be called from any thread; draining happens on the
 * context only.
 */
final class LoopBatch {
    private final Context context;
    private final ConcurrentLinkedQueue<WatchStream<?>> ready = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    LoopBatch(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    /** Queues a watcher for the next drain (the caller makes sure it is queued once until flushed). */
    void ready(WatchStream<?> stream) {
        ready.add(stream);
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        // cleared first: a watcher marked ready from now on is either seen below or schedules a new drain
        scheduled.set(false);
        WatchStream<?> s;
        while ((s = ready.poll()) != null) {
            s.flush();
        }
    }
}
