package io.kubelite.store.reflector;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ObjectList;
import io.kubelite.store.backoff.Backoff;
import io.kubelite.store.backoff.ExponentialBackoff;
import io.kubelite.store.watch.KnownValues;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one list-and-watch loop: keeps a {@link ReflectorListener} equal to a
 * {@link ListerWatcher}'s objects, gap-free. It lists at revision R, watches from R + 1,
 * and when the watch's history has been compacted lists again and hands the listener the
 * differences between what it had and what is there now (the deletes, adds and
 * modifications it missed). A list that fails is retried after a back-off that doubles
 * (the given {@link ExponentialBackoff} policy) and starts again after a success.
 *
 * <p>The view: objects matching the filter. An object that stops matching is delivered as
 * a delete, one that starts matching as an add. A value the source cannot read keeps its
 * last good state in the view (and is reported by {@link #unreadableKeys()}) until it is
 * written readably or deleted.
 *
 * <p>Threads and lifecycle: LATENT, then {@link #start()} (once; later calls do nothing)
 * starts the reflector's one thread, which lists; watched changes arrive on the source's
 * watch thread. {@link #close()} is idempotent: it closes the watch, interrupts a list in
 * flight, and waits (bounded) for the thread to end. The listener is never called after
 * {@code close} returns, unless {@code close} was called from the listener itself.
 */
public final class Reflector<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reflector.class);
    private static final long JOIN_MILLIS = 5_000;

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final String name;
    private final ListerWatcher<T> source;
    private final Resource<T> resource;
    private final Predicate<? super T> filter;
    private final ExponentialBackoff retry;
    private final ReflectorListener<T> listener;
    /** What the view keeps of an incoming object, given the version it holds (null: none); identity unless set. */
    private volatile BinaryOperator<T> transform = (previous, incoming) -> incoming;
    /** Objects this process wrote, which the watch may deliver without decoding; null: none. */
    private volatile KnownValues<T> known;

    private final CountDownLatch synced = new CountDownLatch(1);
    private final Thread thread;

    // guarded by lock
    private final Object lock = new Object();
    private final Map<String, T> view = new HashMap<>();
    private final Set<String> unreadable = new HashSet<>();
    private State state = State.LATENT;
    private boolean listWanted = true;
    private long generation; // of the current watch; callbacks of older watches are ignored
    private ListerWatcher.Watch watch;
    private volatile long lastRevision;

    /**
     * @param name     names the thread and log lines
     * @param filter   which objects the view holds
     * @param retry    back-off between failed lists
     * @param listener receives the view's changes
     */
    public Reflector(
            String name,
            ListerWatcher<T> source,
            Predicate<? super T> filter,
            ExponentialBackoff retry,
            ReflectorListener<T> listener) {
        this.name = Objects.requireNonNull(name);
        this.source = Objects.requireNonNull(source);
        this.resource = source.resource();
        this.filter = Objects.requireNonNull(filter);
        this.retry = Objects.requireNonNull(retry);
        this.listener = Objects.requireNonNull(listener);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Has the view keep {@code t.apply(previous, incoming)} in place of each incoming object
     * (listed or watched), {@code previous} being the version the view holds for its key or null;
     * listeners receive what it returns. Only before {@link #start()}. It must return an object
     * equal in meaning to {@code incoming} (same key, same resourceVersion, same content): its use
     * is to share what did not change with {@code previous}, or canonical copies of repeated
     * values, so that a large view holds fewer copies (client-go's {@code SetTransform}).
     */
    public void setTransform(BinaryOperator<T> t) {
        synchronized (lock) {
            if (state != State.LATENT) {
                throw new IllegalStateException("the transform must be set before start");
            }
            transform = Objects.requireNonNull(t);
        }
    }

    /**
     * Lets the watch deliver objects this process wrote from {@code k} instead of decoding
     * them (see {@link KnownValues}). Only before {@link #start()}.
     */
    public void setKnownValues(KnownValues<T> k) {
        synchronized (lock) {
            if (state != State.LATENT) {
                throw new IllegalStateException("known values must be set before start");
            }
            known = Objects.requireNonNull(k);
        }
    }

    public void start() {
        synchronized (lock) {
            if (state != State.LATENT) {
                return;
            }
            state = State.STARTED;
        }
        thread.start();
    }

    /** True once the first list has been handed to the listener. */
    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits for the first list; false on timeout or interrupt. */
    public boolean awaitSynced(Duration timeout) {
        try {
            return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The revision the listener has been brought up to: everything up to it is delivered. */
    public long lastRevision() {
        return lastRevision;
    }

    /** Source keys whose current values could not be read. */
    public Set<String> unreadableKeys() {
        synchronized (lock) {
            return Set.copyOf(unreadable);
        }
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        Backoff backoff = Backoff.of(retry);
        boolean relist = false;
        while (awaitListWanted()) {
            ObjectList<T> list;
            try {
                list = source.list();
            } catch (RuntimeException e) {
                long delay = backoff.nextMillis();
                if (isOpen()) {
                    LOG.warn("{} list failed, retrying in {} ms: {}", name, delay, rootMessage(e));
                }
                pause(delay);
                continue;
            }
            backoff.reset();
            long gen;
            synchronized (lock) {
                if (state == State.CLOSED) {
                    return;
                }
                List<Delta<T>> deltas = replace(list);
                try {
                    listener.onReplace(deltas, list.revision(), relist);
                } catch (RuntimeException e) {
                    LOG.error("{} listener failed on a list at revision {}", name, list.revision(), e);
                }
                lastRevision = list.revision();
                gen = ++generation;
            }
            synced.countDown();
            LOG.info(
                    "{} {} {} objects at revision {}",
                    name,
                    relist ? "relisted" : "synced",
                    list.items().size(),
                    list.revision());
            relist = true;
            openWatch(gen, list.revision() + 1, backoff);
        }
    }

    /** Blocks until a list is wanted (true) or the reflector is closed (false). */
    private boolean awaitListWanted() {
        synchronized (lock) {
            while (state == State.STARTED && !listWanted) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
            listWanted = false;
            return state == State.STARTED;
        }
    }

    /** Sleeps for the back-off, waking early on close; leaves a list wanted. */
    private void pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            listWanted = true;
            long left;
            while (state == State.STARTED && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void openWatch(long gen, long fromRevision, Backoff backoff) {
        ListerWatcher.Watch w;
        try {
            // outside the lock: the source may take its own locks, and its thread takes ours
            w = source.watch(fromRevision, new Listener(gen));
        } catch (RuntimeException e) {
            long delay = backoff.nextMillis();
            if (isOpen()) {
                LOG.warn("{} watch from {} failed, relisting in {} ms: {}", name, fromRevision, delay, rootMessage(e));
            }
            pause(delay);
            return;
        }
        synchronized (lock) {
            if (gen == generation && state == State.STARTED) {
                watch = w;
                return;
            }
        }
        w.close(); // closed, or already expired
    }

    private boolean isOpen() {
        synchronized (lock) {
            return state == State.STARTED;
        }
    }

    /** Under lock: makes the view equal to {@code list}; returns the differences, deletes first. */
    private List<Delta<T>> replace(ObjectList<T> list) {
        long rev = list.revision();
        unreadable.clear();
        unreadable.addAll(list.corruptKeys());
        Set<String> keep = new HashSet<>();
        for (String k : unreadable) {
            keep.add(source.objectKey(k));
        }
        Map<String, T> fresh = new HashMap<>(list.items().size() * 2);
        for (T obj : list.items()) {
            if (filter.test(obj)) {
                String k = keyOf(obj);
                fresh.put(k, transform.apply(view.get(k), obj));
            }
        }
        List<Delta<T>> deltas = new ArrayList<>();
        for (var it = view.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, T> e = it.next();
            if (!fresh.containsKey(e.getKey()) && !keep.contains(e.getKey())) {
                it.remove();
                deltas.add(new Delta<>(WatchEvent.Type.DELETED, e.getKey(), e.getValue(), null, rev));
            }
        }
        for (Map.Entry<String, T> e : fresh.entrySet()) {
            T old = view.put(e.getKey(), e.getValue());
            if (old == null) {
                deltas.add(new Delta<>(WatchEvent.Type.ADDED, e.getKey(), e.getValue(), null, rev));
            } else if (!version(old).equals(version(e.getValue()))) {
                deltas.add(new Delta<>(WatchEvent.Type.MODIFIED, e.getKey(), e.getValue(), old, rev));
            }
        }
        return deltas;
    }

    /** Under lock: applies a watched change to the view; the delta to deliver, or null when the view is unchanged. */
    private Delta<T> apply(WatchEvent<T> e) {
        unreadable.remove(e.key());
        if (e.type() == WatchEvent.Type.DELETED) {
            String key = e.object() != null ? keyOf(e.object()) : source.objectKey(e.key());
            T old = view.remove(key);
            T last = e.object() != null ? e.object() : old;
            if (old == null && (last == null || !filter.test(last))) {
                return null;
            }
            return new Delta<>(WatchEvent.Type.DELETED, key, last, null, e.revision());
        }
        String key = keyOf(e.object());
        if (!filter.test(e.object())) {
            T old = view.remove(key);
            return old == null ? null : new Delta<>(WatchEvent.Type.DELETED, key, old, null, e.revision());
        }
        T obj = transform.apply(view.get(key), e.object());
        T old = view.put(key, obj);
        return old == null
                ? new Delta<>(WatchEvent.Type.ADDED, key, obj, null, e.revision())
                : new Delta<>(WatchEvent.Type.MODIFIED, key, obj, old, e.revision());
    }

    private String keyOf(T obj) {
        return ObjectKeys.of(resource.meta(obj));
    }

    private String version(T obj) {
        return resource.meta(obj).getResourceVersion();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** One watch's callbacks; they act only while that watch is the current one. */
    private final class Listener implements WatchListener<T> {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        private boolean current() {
            return gen == generation && state == State.STARTED;
        }

        @Override
        public void onEvent(WatchEvent<T> e) {
            synchronized (lock) {
                if (!current()) {
                    return;
                }
                try {
                    Delta<T> d = apply(e);
                    if (d != null) {
                        listener.onDelta(d);
                    } else {
                        listener.onProgress(e.revision());
                    }
                } catch (RuntimeException ex) {
                    // the view stays usable; a level-based consumer heals on the object's next change
                    LOG.error("{} listener failed on {} {} at revision {}", name, e.type(), e.key(), e.revision(), ex);
                }
                lastRevision = Math.max(lastRevision, e.revision());
            }
        }

        /**
         * The view holds the last state of every key it keeps, and {@link #apply} takes a
         * deleted object's last state from it: etcd need not read, send, nor this process
         * decode a previous value per change.
         */
        @Override
        public boolean wantsPrevious() {
            return false;
        }

        @Override
        public KnownValues<T> knownValues() {
            return known;
        }

        @Override
        public void onProgress(long revision) {
            synchronized (lock) {
                if (!current()) {
                    return;
                }
                listener.onProgress(revision);
                lastRevision = Math.max(lastRevision, revision);
            }
        }

        @Override
        public void onCorrupt(CorruptException error) {
            synchronized (lock) {
                if (current() && unreadable.add(error.key())) {
                    LOG.error(
                            "{}: undecodable value at {}; keeping its last good state: {}",
                            name,
                            error.key(),
                            error.getMessage());
                }
            }
        }

        @Override
        public void onExpired(ExpiredException error) {
            synchronized (lock) {
                if (!current()) {
                    return;
                }
                LOG.info("{} watch expired at revision {}; relisting", name, lastRevision);
                generation++;
                watch = null;
                listWanted = true;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        ListerWatcher.Watch w;
        boolean wasStarted;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            wasStarted = state == State.STARTED;
            state = State.CLOSED;
            generation++;
            w = watch;
            watch = null;
            lock.notifyAll();
        }
        if (w != null) {
            w.close();
        }
        if (wasStarted && Thread.currentThread() != thread) {
            thread.interrupt(); // a list waiting on its source
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("{} thread still running {} ms after close", name, JOIN_MILLIS);
            }
        }
    }
}
