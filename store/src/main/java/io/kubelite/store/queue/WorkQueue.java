package io.kubelite.store.queue;

import io.kubelite.store.ConflictException;
import io.kubelite.store.StoreException;
import io.kubelite.store.backoff.ExponentialBackoff;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A de-duplicating, delaying, rate-limiting queue of keys for level-based controllers,
 * after client-go's {@code workqueue}, with its own worker threads.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>De-duplication.</b> {@link #add} of a key that is already waiting does
 *       nothing: one reconcile covers any number of adds.</li>
 *   <li><b>One worker per key.</b> A key is never handed out twice at once. Adding a
 *       key that is being processed marks it dirty; it is queued again when
 *       processing ends ({@link #done}), so the last add is always followed by a
 *       complete reconcile that started after it.</li>
 *   <li><b>Delays.</b> {@link #addAfter} keeps only the soonest pending delay per key. A
 *       delayed key that is also added directly is processed now and again when the
 *       delay expires (unless it is still waiting then, in which case the two merge).</li>
 *   <li><b>Back-off.</b> {@link #addRateLimited} waits {@link ExponentialBackoff#delay}
 *       of the key's retry count, then increments it; {@link #forget} resets it. The
 *       count is kept until forgotten, so callers in manual mode must forget keys they
 *       are done with or the map grows.</li>
 *   <li><b>Order.</b> Ready keys are handed out first in, first out.</li>
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * {@link State#LATENT} → {@link State#STARTED} → {@link State#CLOSED}. Adds are accepted
 * while latent (informers may start before the workers), but delays only start firing
 * at start. Either {@link #start(int, Reconciler)} runs workers owned by the queue, or
 * {@link #start()} runs only the delay thread and the caller loops over
 * {@link #get}/{@link #done} (manual mode). {@link #close()} is idempotent: it drops
 * waiting and delayed keys, waits up to the close timeout for keys being processed to
 * be {@link #done}, then interrupts the workers still busy and joins all threads.
 * After close every add is <b>silently ignored</b> (an informer racing with shutdown
 * should not have to catch anything), and {@link #get} returns {@code null}.
 *
 * <h2>Keys</h2>
 * Keys must be immutable and have value {@code equals}/{@code hashCode} (e.g. a
 * {@code String} or a record of strings); {@code null} is rejected.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. One lock guards all state; the queue is not meant for
 * millions of operations per second, it is meant to be obviously correct.
 * The queue's threads are named {@code <name>-worker-<i>} and {@code <name>-delays},
 * and are not daemons: a component must close its queues to exit cleanly.
 *
 * @param <K> the key type
 */
public final class WorkQueue<K> implements Closeable {

    /** Lifecycle states; transitions only go forward. */
    public enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    /** Default bound on how long {@link #close()} waits for reconciles in flight. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(WorkQueue.class);
    // nanoTime arithmetic compares by difference, which stays correct only below 2^63
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;
    private static final long STRAGGLER_JOIN_MILLIS = 1_000;

    private final String name;
    private final ExponentialBackoff backoff;
    private final Duration closeTimeout;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition keysReady = lock.newCondition();
    private final Condition delaysChanged = lock.newCondition();
    private final Condition processingEnded = lock.newCondition();

    // Invariant: every key in `queue` is in `dirty` and not in `processing`;
    // a key in `dirty` and in `processing` is queued by done().
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    private final Set<K> dirty = new HashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final DelayedKeys<K> delayed = new DelayedKeys<>();
    private final Map<K, Integer> requeues = new HashMap<>();
    // for the metrics: when each dirty key was added, when each key in flight was handed out
    private final Map<K, Long> addedAt = new HashMap<>();
    private final Map<K, Long> handedOutAt = new HashMap<>();
    private final WorkQueueMetrics.Recorder metrics;
    private final List<Thread> threads = new ArrayList<>();
    private State state = State.LATENT;
    private long adds;
    private long retries;

    private WorkQueue(Builder builder) {
        this.name = builder.name;
        this.backoff = builder.backoff;
        this.closeTimeout = builder.closeTimeout;
        this.metrics = builder.metrics.register(this);
    }

    /** Starts building a queue; {@code name} prefixes thread names and log lines. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    // ---------------------------------------------------------------- adding

    /** Queues {@code key} unless it is already waiting; see the class contract. */
    public void add(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            if (state != State.CLOSED) {
                addLocked(key);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code key} once {@code delay} has passed; if the key already has a sooner
     * pending delay, this call has no effect. A zero or negative delay is {@link #add}.
     */
    public void addAfter(K key, Duration delay) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(delay, "delay");
        lock.lock();
        try {
            if (state != State.CLOSED) {
                addAfterLocked(key, delay);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Increments the key's retry count and queues it after the back-off for that count. */
    public void addRateLimited(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            retryLocked(key);
        } finally {
            lock.unlock();
        }
    }

    /** Resets the key's retry count; does not remove the key from the queue or its delays. */
    public void forget(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            requeues.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** How many times the key was re-added rate-limited since it was last forgotten. */
    public int numRequeues(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            return requeues.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- manual mode

    /**
     * Takes the next ready key, waiting up to {@code timeout}. The caller owns the key
     * until it calls {@link #done}; until then the key is handed to nobody else.
     *
     * @return the key, or {@code null} on timeout or once the queue is closed
     * @throws IllegalStateException if the queue was never started (delays would never fire)
     */
    public K get(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        lock.lock();
        try {
            if (state == State.LATENT) {
                throw new IllegalStateException(name + ": get() before start()");
            }
            return takeLocked(saturatedNanos(timeout));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the processing of a key obtained from {@link #get}; if the key was added
     * meanwhile it is queued again. Does not reset the back-off; call {@link #forget}
     * on success.
     *
     * @throws IllegalStateException if the key is not being processed
     */
    public void done(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            if (!processing.remove(key)) {
                throw new IllegalStateException(name + ": done(" + key + ") for a key not being processed");
            }
            Long since = handedOutAt.remove(key);
            if (since != null) {
                metrics.worked(System.nanoTime() - since);
            }
            if (state != State.CLOSED && dirty.contains(key)) {
                queue.addLast(key);
                keysReady.signal();
            }
            processingEnded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts {@code workers} threads that reconcile keys, and the delay thread.
     * Per key: {@link Result#done()} forgets its back-off; {@link Result#requeue()} or an
     * exception re-adds it rate-limited (an exception is logged as one warning line; its
     * stack trace at debug); {@link Result#requeueAfter} forgets the back-off and adds it
     * after the delay. A {@code null} result counts as a failure. An {@link Error} is
     * handled like an exception but then ends that worker thread, which is not replaced.
     *
     * @throws IllegalStateException unless the queue is {@link State#LATENT}
     */
    public void start(int workers, Reconciler<K> reconciler) {
        Objects.requireNonNull(reconciler, "reconciler");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1: " + workers);
        }
        startThreads(workers, reconciler);
    }

    /**
     * Starts only the delay thread, for callers that loop over {@link #get}/{@link #done}.
     *
     * @throws IllegalStateException unless the queue is {@link State#LATENT}
     */
    public void start() {
        startThreads(0, null);
    }

    /**
     * Stops the queue; idempotent, and safe to call from a reconcile (it then does not
     * wait for its own key). Waiting and delayed keys are dropped and so are re-adds made
     * by reconciles finishing during close. Waits at most the close timeout for keys in
     * flight, then interrupts the workers still busy and waits up to one more second
     * for them; a reconcile that ignores interrupts is left running and logged.
     * A second, concurrent call returns at once without waiting for the first.
     */
    @Override
    public void close() {
        List<Thread> toJoin;
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        boolean interrupted = false;
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            queue.clear();
            dirty.clear();
            delayed.clear();
            requeues.clear();
            addedAt.clear();
            keysReady.signalAll();
            delaysChanged.signalAll();
            boolean calledByWorker = threads.contains(Thread.currentThread());
            while (!calledByWorker && !processing.isEmpty()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    processingEnded.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            toJoin = List.copyOf(threads);
        } finally {
            lock.unlock();
        }
        interrupted |= join(toJoin, deadline, interrupted);
        metrics.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        log.debug("{}: closed", name);
    }

    // ---------------------------------------------------------------- metrics

    public String name() {
        return name;
    }

    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Keys ready to be handed out (the queue depth); excludes keys in flight and delayed keys. */
    public int len() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting for a delay to expire. */
    public int delayed() {
        lock.lock();
        try {
            return delayed.size();
        } finally {
            lock.unlock();
        }
    }

    /** Keys currently being processed. */
    public int inFlight() {
        lock.lock();
        try {
            return processing.size();
        } finally {
            lock.unlock();
        }
    }

    /** Adds that made a key dirty since creation (duplicates of a waiting key are not counted). */
    public long adds() {
        lock.lock();
        try {
            return adds;
        } finally {
            lock.unlock();
        }
    }

    /** Rate-limited re-adds since creation, from {@link #addRateLimited} and failed reconciles. */
    public long retries() {
        lock.lock();
        try {
            return retries;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds the keys in flight have been processed so far, summed. */
    long unfinishedWorkNanos() {
        lock.lock();
        try {
            long now = System.nanoTime();
            long sum = 0;
            for (long t : handedOutAt.values()) {
                sum += now - t;
            }
            return sum;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds the longest-processed key in flight has been processed so far; 0 when none is. */
    long longestRunningNanos() {
        lock.lock();
        try {
            long now = System.nanoTime();
            long max = 0;
            for (long t : handedOutAt.values()) {
                max = Math.max(max, now - t);
            }
            return max;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "WorkQueue[" + name + "]";
    }

    // ---------------------------------------------------------------- internals

    private void addLocked(K key) {
        if (!dirty.add(key)) {
            return;
        }
        adds++;
        addedAt.put(key, System.nanoTime());
        if (!processing.contains(key)) {
            queue.addLast(key);
            keysReady.signal();
        }
    }

    private void addAfterLocked(K key, Duration delay) {
        long nanos = saturatedNanos(delay);
        if (nanos <= 0) {
            addLocked(key);
        } else if (delayed.offer(key, System.nanoTime() + nanos)) {
            delaysChanged.signal();
        }
    }

    /** @return the retry number (1 for the first), or 0 if the queue is closed */
    private int retryLocked(K key) {
        if (state == State.CLOSED) {
            return 0;
        }
        int attempt = requeues.merge(key, 1, Integer::sum);
        retries++;
        addAfterLocked(key, backoff.delay(attempt));
        return attempt;
    }

    private K takeLocked(long timeoutNanos) throws InterruptedException {
        long remaining = timeoutNanos;
        while (queue.isEmpty()) {
            if (state == State.CLOSED || remaining <= 0) {
                return null;
            }
            remaining = keysReady.awaitNanos(remaining);
        }
        K key = queue.pollFirst();
        processing.add(key);
        dirty.remove(key);
        long now = System.nanoTime();
        Long added = addedAt.remove(key);
        if (added != null) {
            metrics.queued(now - added);
        }
        handedOutAt.put(key, now);
        return key;
    }

    private void startThreads(int workers, Reconciler<K> reconciler) {
        lock.lock();
        try {
            if (state != State.LATENT) {
                throw new IllegalStateException(name + ": start() when " + state);
            }
            state = State.STARTED;
            threads.add(newThread(name + "-delays", this::runDelays));
            for (int i = 0; i < workers; i++) {
                threads.add(newThread(name + "-worker-" + i, () -> runWorker(reconciler)));
            }
            threads.forEach(Thread::start);
        } finally {
            lock.unlock();
        }
    }

    private Thread newThread(String threadName, Runnable body) {
        Thread t = new Thread(body, threadName);
        t.setDaemon(false);
        t.setUncaughtExceptionHandler((thread, e) -> log.error("{}: thread {} died", name, thread.getName(), e));
        return t;
    }

    private void runDelays() {
        lock.lock();
        try {
            while (state != State.CLOSED) {
                long now = System.nanoTime();
                for (K key : delayed.pollDue(now)) {
                    addLocked(key);
                }
                long wait = delayed.nanosUntilNext(now);
                if (wait == Long.MAX_VALUE) {
                    delaysChanged.await();
                } else if (wait > 0) {
                    delaysChanged.awaitNanos(wait);
                }
            }
        } catch (InterruptedException e) {
            // only close() interrupts us, and it has already set CLOSED
        } finally {
            lock.unlock();
        }
    }

    private void runWorker(Reconciler<K> reconciler) {
        while (true) {
            K key;
            lock.lock();
            try {
                key = takeLocked(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                return; // only close() interrupts a worker
            } finally {
                lock.unlock();
            }
            if (key == null) {
                return;
            }
            process(reconciler, key);
        }
    }

    private void process(Reconciler<K> reconciler, K key) {
        try {
            Result result = reconciler.reconcile(key);
            if (result == null) {
                fail(key, "reconciler returned null", null);
                return;
            }
            switch (result.action()) {
                case DONE -> forget(key);
                case REQUEUE -> addRateLimited(key);
                case REQUEUE_AFTER -> {
                    lock.lock();
                    try {
                        requeues.remove(key);
                        if (state != State.CLOSED) {
                            addAfterLocked(key, result.delay());
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (Exception e) {
            fail(key, e.toString(), e);
        } catch (Error e) {
            fail(key, e.toString(), e);
            throw e;
        } finally {
            done(key);
        }
    }

    private void fail(K key, String message, Throwable cause) {
        int attempt;
        lock.lock();
        try {
            attempt = retryLocked(key);
        } finally {
            lock.unlock();
        }
        if (attempt == 0) {
            // typically interrupted by close; the retry is dropped, so say so quietly
            log.debug("{}: reconcile {} failed during close: {}", name, key, message);
        } else if (cause != null && StoreException.unwrap(cause) instanceof ConflictException && attempt <= 3) {
            // optimistic concurrency at work (a write from a stale cache): expected, and retried from fresh state
            log.info(
                    "{}: reconcile {} hit a write conflict, retry {} in {} ms",
                    name,
                    key,
                    attempt,
                    backoff.delay(attempt).toMillis());
        } else if (cause instanceof StaleCacheException && attempt <= 5) {
            // the cache lags a write this reconcile depends on: expected under load, retried
            log.debug("{}: reconcile {} waits for its cache, retry {}: {}", name, key, attempt, message);
        } else {
            StoreException root = cause == null ? null : StoreException.unwrap(cause);
            log.warn(
                    "{}: reconcile {} failed, retry {} in {} ms: {}",
                    name,
                    key,
                    attempt,
                    backoff.delay(attempt).toMillis(),
                    root != null ? root.toString() : message);
        }
        if (cause != null) {
            log.debug("{}: reconcile {} failure", name, key, cause);
        }
    }

    /** @return whether the calling thread was interrupted while joining */
    private boolean join(List<Thread> toJoin, long deadline, boolean skipWaiting) {
        boolean interrupted = false;
        for (Thread t : toJoin) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                if (!skipWaiting && !interrupted) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining > 0) {
                        TimeUnit.NANOSECONDS.timedJoin(t, remaining);
                    }
                }
                if (t.isAlive()) {
                    t.interrupt();
                    if (!interrupted) {
                        t.join(STRAGGLER_JOIN_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();
            }
            if (t.isAlive()) {
                log.warn("{}: thread {} still running after close", name, t.getName());
            }
        }
        return interrupted;
    }

    private static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_DELAY_NANOS)) > 0 ? MAX_DELAY_NANOS : d.toNanos();
    }

    /** Options for a {@link WorkQueue}; every option has a default. */
    public static final class Builder {
        private final String name;
        private ExponentialBackoff backoff = ExponentialBackoff.defaults();
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private WorkQueueMetrics metrics = WorkQueueMetrics.NONE;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Retry policy for {@link #addRateLimited}; default {@link ExponentialBackoff#defaults()}. */
        public Builder backoff(ExponentialBackoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Bound on how long {@link #close()} waits for keys in flight; default 10 s. */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("negative close timeout: " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** Where the queue publishes its metrics (until it is closed); default none. */
        public Builder metrics(WorkQueueMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public <K> WorkQueue<K> build() {
            return new WorkQueue<>(this);
        }
    }
}
