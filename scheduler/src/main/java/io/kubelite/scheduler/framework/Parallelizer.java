package io.kubelite.scheduler.framework;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Runs the pieces of one scheduling step (filter or score a node) across cores, as
 * kube-scheduler's {@code parallelize.Parallelizer} does: {@link #until} hands out piece
 * indexes in chunks to {@code parallelism - 1} pool threads and the calling thread, and
 * returns when every piece ran or {@code stop} said enough. The calling thread always
 * works too, so a busy pool never stalls a cycle.
 *
 * <p>Owns its threads (daemon, bounded: {@code parallelism - 1}); {@link #close} stops them
 * and is idempotent. {@link #sequential()} runs everything on the caller, with no threads.
 */
public final class Parallelizer implements AutoCloseable {
    private final int parallelism;
    private final ExecutorService pool;

    private Parallelizer(int parallelism) {
        this.parallelism = parallelism;
        if (parallelism <= 1) {
            this.pool = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(parallelism - 1, r -> {
                Thread t = new Thread(r, "scheduler-parallel-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** {@code parallelism} workers (the caller counts as one); 1 or less runs sequentially. */
    public static Parallelizer of(int parallelism) {
        return new Parallelizer(Math.max(1, parallelism));
    }

    /** Everything on the calling thread, in index order. */
    public static Parallelizer sequential() {
        return new Parallelizer(1);
    }

    public int parallelism() {
        return parallelism;
    }

    /**
     * Runs {@code piece} for indexes 0..{@code pieces-1}, each once, until all ran or
     * {@code stop} returns true (checked before each piece). The first exception of a
     * piece is rethrown here after every worker stopped.
     */
    public void until(int pieces, IntConsumer piece, BooleanSupplier stop) {
        if (pool == null || pieces < 2) {
            for (int i = 0; i < pieces && !stop.getAsBoolean(); i++) {
                piece.accept(i);
            }
            return;
        }
        // chunks of about sqrt(pieces), as kube's parallelizer: few handoffs, fair early stop
        int chunk = Math.max(1, (int) Math.sqrt(pieces));
        int workers = Math.min(parallelism, (pieces + chunk - 1) / chunk);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Runnable work = () -> {
            try {
                while (failed.get() == null) {
                    int from = next.getAndAdd(chunk);
                    if (from >= pieces) {
                        return;
                    }
                    int to = Math.min(pieces, from + chunk);
                    for (int i = from; i < to; i++) {
                        if (stop.getAsBoolean()) {
                            return;
                        }
                        piece.accept(i);
                    }
                }
            } catch (Throwable t) {
                failed.compareAndSet(null, t);
            }
        };
        // Helpers that have not started by the time the caller ran out of pieces never
        // join: on a busy machine a pool thread may get the CPU late, and waiting for it to
        // find nothing to do would stall the cycle.
        Helpers joined = new Helpers();
        for (int w = 0; w < workers - 1; w++) {
            pool.execute(() -> {
                if (joined.join()) {
                    try {
                        work.run();
                    } finally {
                        joined.leave();
                    }
                }
            });
        }
        work.run();
        joined.sealAndAwait();
        Throwable t = failed.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** The helpers working on one {@link #until} call; none may join once it is sealed. */
    private static final class Helpers {
        private int active;
        private boolean sealed;

        synchronized boolean join() {
            if (sealed) {
                return false;
            }
            active++;
            return true;
        }

        synchronized void leave() {
            if (--active == 0) {
                notifyAll();
            }
        }

        /** No more joins; waits (uninterruptibly: a cycle is never left half-run) for those working. */
        synchronized void sealAndAwait() {
            sealed = true;
            boolean interrupted = false;
            while (active > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
