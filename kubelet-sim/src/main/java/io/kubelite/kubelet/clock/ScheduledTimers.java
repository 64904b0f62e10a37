package io.kubelite.kubelet.clock;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Timers} over one {@link ScheduledThreadPoolExecutor} with a few daemon threads.
 * Cancelled tasks are removed from the queue at once (so 20,000 containers' cancelled
 * probe timers do not pile up). A task that throws is logged and does not kill its thread.
 */
public final class ScheduledTimers implements Timers, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledTimers.class);
    private final ScheduledThreadPoolExecutor executor;

    public ScheduledTimers(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ScheduledThreadPoolExecutor(threads, tf);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Cancellable after(long delayMillis, Runnable task) {
        if (executor.isShutdown()) {
            return Cancellable.NONE;
        }
        try {
            Pending p = new Pending(task);
            p.future = executor.schedule(p, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return p;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return Cancellable.NONE;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (executor.isShutdown()) {
            return;
        }
        try {
            executor.execute(guarded(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }

    /** Tasks waiting in the queue (a metric). */
    public int queued() {
        return executor.getQueue().size();
    }

    /**
     * A scheduled task and its handle in one object: with tens of thousands of probe periods,
     * sleeps and syncs pending, a timer costs the executor's future and this, not also an
     * adapter and two lambdas.
     */
    private static final class Pending implements Callable<Void>, Cancellable {
        private final Runnable task;
        /** Set by {@link #after} before the handle is returned: whoever can cancel sees it. */
        private volatile Future<?> future;

        Pending(Runnable task) {
            this.task = task;
        }

        @Override
        public Void call() {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("simulator task failed", e);
            }
            return null;
        }

        @Override
        public void cancel() {
            Future<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("simulator task failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
