package io.kubelite.kubelet.clock;

import java.util.concurrent.ScheduledFuture;
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
            ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
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
