package io.kubelite.store.election;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts callbacks and checks, across every listener sharing {@code active}, that no two
 * [started, stopped] intervals overlap (meaningful within one process only).
 */
class RecordingListener implements LeadershipListener {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger stopped = new AtomicInteger();
    final AtomicBoolean outOfOrder = new AtomicBoolean();
    private final AtomicInteger active;
    private final AtomicBoolean overlap;
    volatile Leadership last;
    volatile long startedAtNanos;
    volatile long stoppedAtNanos;
    volatile String callbackThread;

    RecordingListener() {
        this(new AtomicInteger(), new AtomicBoolean());
    }

    RecordingListener(AtomicInteger active, AtomicBoolean overlap) {
        this.active = active;
        this.overlap = overlap;
    }

    @Override
    public void onStartedLeading(Leadership l) {
        callbackThread = Thread.currentThread().getName();
        if (started.get() != stopped.get()) {
            outOfOrder.set(true);
        }
        last = l;
        startedAtNanos = System.nanoTime();
        if (active.incrementAndGet() > 1) {
            overlap.set(true);
        }
        started.incrementAndGet();
    }

    @Override
    public void onStoppedLeading() {
        callbackThread = Thread.currentThread().getName();
        if (started.get() != stopped.get() + 1) {
            outOfOrder.set(true);
        }
        stoppedAtNanos = System.nanoTime();
        active.decrementAndGet();
        stopped.incrementAndGet();
    }

    boolean leading() {
        return started.get() > stopped.get();
    }
}
