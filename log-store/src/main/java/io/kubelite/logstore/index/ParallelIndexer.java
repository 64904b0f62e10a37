package io.kubelite.logstore.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;

/**
 * Adds chunks of documents to Lucene on its own threads, so that a group's lines are inverted on
 * every core instead of on the one writer thread (Lucene's {@link IndexWriter} is thread-safe and
 * gives each thread its own in-memory segment). The writer thread hands chunks over with
 * {@link #submit}, which blocks while {@code 2 × threads} chunks are waiting (bounding the memory
 * a large group holds), and calls {@link #await} before committing: once it returns, every
 * submitted document is in its writer. A failed chunk's exception is rethrown by {@link #await};
 * the caller then rolls the writers back, so a group is still all or nothing.
 *
 * <p>Used by one thread at a time (the store's writer); owns its threads; {@link #close()} is
 * idempotent.
 */
final class ParallelIndexer implements Closeable {
    private final ExecutorService pool;
    private final int threads;
    private final Semaphore slots;
    private final List<Future<?>> inFlight = new ArrayList<>();
    private boolean closed;

    ParallelIndexer(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "logstore-indexer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.slots = new Semaphore(2 * threads);
    }

    /** The number of threads to use on this machine: one per core, at most four. */
    static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** Queues {@code docs} for {@code writer}; blocks while too many chunks wait. */
    void submit(IndexWriter writer, List<Document> docs) throws IOException {
        if (docs.isEmpty()) {
            return;
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while queueing documents", e);
        }
        try {
            inFlight.add(pool.submit(() -> {
                try {
                    writer.addDocuments(docs);
                    return null;
                } finally {
                    slots.release();
                }
            }));
        } catch (RuntimeException e) { // rejected: closed
            slots.release();
            throw e;
        }
    }

    /** Waits until every submitted chunk is added; rethrows the first failure (after all finished). */
    void await() throws IOException {
        Throwable first = null;
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (first == null) {
                    first = e;
                }
            }
        }
        inFlight.clear();
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IOException("adding documents failed", first);
        }
    }

    /**
     * Writes {@code writer}'s in-memory segments to disk on the indexer's threads, one segment per
     * thread at a time, and waits for them: a commit then only fsyncs, instead of flushing every
     * thread's segment one after another on the committing thread. Call after {@link #await}.
     */
    void flush(IndexWriter writer) throws IOException {
        for (int i = 0; i < threads; i++) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while flushing", e);
            }
            inFlight.add(pool.submit(() -> {
                try {
                    while (writer.flushNextBuffer()) {
                        // another segment was written; take the next one, if any
                    }
                    return null;
                } finally {
                    slots.release();
                }
            }));
        }
        await();
    }

    /** Waits for the submitted chunks and forgets their outcome (the caller rolls back anyway). */
    void discard() {
        try {
            await();
        } catch (IOException | RuntimeException e) {
            // the group fails as a whole; its first failure was already reported
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdownNow();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
