package io.kubelite.apiserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares items on a small pool of threads, in parallel, and hands the prepared results to one
 * consumer in the order the items were submitted, one call at a time.
 *
 * <p>Why: a watch cache must deliver its changes in revision order, but encoding a change (its
 * JSON) does not depend on the changes before it; done on the one thread that receives etcd's
 * watch, it made that thread the API server's watch throughput.
 *
 * <p>Contract: {@link #submit} and {@link #submitDone} must be called by one thread at a time (the
 * submission order is the delivery order). The consumer is called on a pool thread or on the
 * submitting thread, never two calls at once, each result exactly once, in submission order. A
 * preparation that throws is logged and its item skipped (the following items are still
 * delivered). At most {@code maxInFlight} items wait for delivery; {@link #submit} blocks beyond
 * that (back-pressure on the caller, not unbounded memory). The pool's threads exist only while
 * there is work (they time out when idle). {@link #close()} is idempotent: later submissions and
 * undelivered results are dropped.
 */
final class InOrderPipeline<R> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InOrderPipeline.class);

    private final String name;
    private final Consumer<R> consumer;
    private final ThreadPoolExecutor pool;
    private final Semaphore inFlight;
    private final ConcurrentLinkedQueue<CompletableFuture<R>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock delivering = new ReentrantLock();
    private volatile boolean closed;

    /**
     * @param name        names the pool's threads and log lines
     * @param threads     preparing threads (at most)
     * @param maxInFlight submitted items not yet delivered, beyond which {@link #submit} waits
     */
    InOrderPipeline(String name, int threads, int maxInFlight, Consumer<R> consumer) {
        this.name = name;
        this.consumer = consumer;
        this.inFlight = new Semaphore(maxInFlight);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Prepares {@code work} on the pool; its result goes to the consumer after every earlier item's. */
    void submit(Supplier<R> work) {
        if (closed) {
            return;
        }
        inFlight.acquireUninterruptibly();
        CompletableFuture<R> f = new CompletableFuture<>();
        queue.add(f);
        try {
            pool.execute(() -> {
                try {
                    f.complete(work.get());
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
                deliver();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.cancel(false); // closed meanwhile
        }
    }

    /** An item that needs no preparation (it still waits for every earlier item); delivered now if it can be. */
    void submitDone(R result) {
        if (closed) {
            return;
        }
        inFlight.acquireUninterruptibly();
        queue.add(CompletableFuture.completedFuture(result));
        deliver();
    }

    /** Items submitted and not yet delivered. */
    int pending() {
        return queue.size();
    }

    /**
     * Hands every prepared result at the head of the queue to the consumer. Whoever holds the
     * lock delivers; a thread that finds it held leaves its result to the holder, which looks
     * at the head again after releasing it, so no completed head is left behind.
     */
    private void deliver() {
        while (!closed) {
            if (!delivering.tryLock()) {
                return;
            }
            try {
                CompletableFuture<R> head;
                while (!closed && (head = queue.peek()) != null && head.isDone()) {
                    queue.poll();
                    inFlight.release();
                    if (head.isCompletedExceptionally()) {
                        LOG.error("{}: preparing an item failed; skipped", name, failure(head));
                        continue;
                    }
                    try {
                        consumer.accept(head.join());
                    } catch (RuntimeException e) {
                        LOG.error("{}: delivering an item failed", name, e);
                    }
                }
            } finally {
                delivering.unlock();
            }
            CompletableFuture<R> head = queue.peek();
            if (head == null || !head.isDone()) {
                return;
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdownNow();
        queue.clear();
        inFlight.release(Integer.MAX_VALUE / 2); // a submitter waiting for room returns and sees closed
    }
}
