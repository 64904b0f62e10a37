package io.kubelite.store.testing;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectList;
import io.kubelite.store.UnavailableException;
import io.kubelite.store.reflector.ListerWatcher;
import io.kubelite.store.reflector.ObjectKeys;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A {@link ListerWatcher} over objects held in memory, for testing informers, reflectors,
 * controllers and plugins in milliseconds, without etcd. It keeps etcd's rules: one
 * revision counter, {@code resourceVersion} = the revision of an object's last write,
 * watches delivering every change after their start revision in order on their own
 * thread, and compaction that expires a watch whose history is gone.
 *
 * <p>Faults: {@link #disconnect()} cuts the "network" (lists fail, watches stall and
 * keep their place) until {@link #reconnect()}; {@link #compact()} drops the history, so a
 * watch that had not received all of it is expired (at once, or on reconnect) and must be
 * relisted; {@link #failLists(int)} makes the next lists fail. Source keys are object keys
 * ({@code namespace/name}). Thread-safe; {@link #close()} stops every watch thread.
 */
public final class InMemoryListerWatcher<T extends Message> implements ListerWatcher<T>, AutoCloseable {
    private final Resource<T> resource;
    private final Map<String, T> objects = new LinkedHashMap<>();
    private final List<WatchEvent<T>> history = new ArrayList<>(); // events after compactedRevision
    private final List<MemoryWatch> watches = new ArrayList<>();
    private final List<Long> listAttemptNanos = Collections.synchronizedList(new ArrayList<>());
    private long revision;
    private long compactedRevision;
    private boolean connected = true;
    private int listFailures;

    public InMemoryListerWatcher(Resource<T> resource) {
        this.resource = resource;
    }

    @Override
    public String description() {
        return resource.plural() + "-in-memory";
    }

    @Override
    public Resource<T> resource() {
        return resource;
    }

    @Override
    public String objectKey(String sourceKey) {
        return sourceKey;
    }

    // ------------------------------------------------------------------ writes

    /** Creates {@code obj}; returns it as stored (with its resourceVersion). */
    public synchronized T add(T obj) {
        String key = ObjectKeys.of(resource.meta(obj));
        if (objects.containsKey(key)) {
            throw new AlreadyExistsException(key, key + " already exists");
        }
        return put(WatchEvent.Type.ADDED, key, obj, null);
    }

    /** Replaces the stored object of the same key; returns it as stored. */
    public synchronized T update(T obj) {
        String key = ObjectKeys.of(resource.meta(obj));
        T prev = objects.get(key);
        if (prev == null) {
            throw new NotFoundException(key, key + " not found");
        }
        return put(WatchEvent.Type.MODIFIED, key, obj, prev);
    }

    /** Applies {@code fn} to the stored object; returns the result as stored. */
    public synchronized T update(String namespace, String name, UnaryOperator<T> fn) {
        T cur = objects.get(ObjectKeys.of(namespace, name));
        if (cur == null) {
            throw new NotFoundException(ObjectKeys.of(namespace, name), "not found");
        }
        return update(fn.apply(cur));
    }

    /** Deletes the object; returns its last state. */
    public synchronized T delete(String namespace, String name) {
        String key = ObjectKeys.of(namespace, name);
        T prev = objects.remove(key);
        if (prev == null) {
            throw new NotFoundException(key, key + " not found");
        }
        record(new WatchEvent<>(WatchEvent.Type.DELETED, key, prev, prev, ++revision));
        return prev;
    }

    private T put(WatchEvent.Type type, String key, T obj, T prev) {
        long rev = ++revision;
        ObjectMeta m = resource.meta(obj).toBuilder()
                .setResourceVersion(Long.toString(rev))
                .build();
        T stored = resource.withTypeMeta(resource.withMeta(obj, m));
        objects.put(key, stored);
        record(new WatchEvent<>(type, key, stored, prev, rev));
        return stored;
    }

    private void record(WatchEvent<T> e) {
        history.add(e);
        if (connected) {
            watches.forEach(w -> w.send(List.of(e)));
        }
    }

    // ------------------------------------------------------------------ faults

    /** Forgets all history up to the current revision; watches that have not received all of it expire. */
    public synchronized void compact() {
        compactedRevision = revision;
        history.clear();
        if (connected) {
            // a connected watch has been sent everything; only a watch opened from the past is behind
            new ArrayList<>(watches).forEach(w -> {
                if (w.next <= compactedRevision) {
                    w.expire();
                }
            });
        }
    }

    /** Lists fail and watches stall (keeping their place) until {@link #reconnect()}. */
    public synchronized void disconnect() {
        connected = false;
    }

    /** Watches catch up on what they missed, or expire if it was compacted. */
    public synchronized void reconnect() {
        connected = true;
        new ArrayList<>(watches).forEach(this::catchUp);
    }

    /** The next {@code n} lists fail with {@link UnavailableException}. */
    public synchronized void failLists(int n) {
        listFailures = n;
    }

    /** System.nanoTime() of every list call so far, successful or not. */
    public List<Long> listAttempts() {
        synchronized (listAttemptNanos) {
            return List.copyOf(listAttemptNanos);
        }
    }

    /** Sends a progress notification at the current revision to every connected watch. */
    public synchronized void notifyProgress() {
        if (connected) {
            long rev = revision;
            watches.forEach(w -> w.deliver(l -> l.onProgress(rev)));
        }
    }

    public synchronized long revision() {
        return revision;
    }

    public synchronized int openWatches() {
        return watches.size();
    }

    // ------------------------------------------------------------------ ListerWatcher

    @Override
    public synchronized ObjectList<T> list() {
        listAttemptNanos.add(System.nanoTime());
        if (!connected) {
            throw new UnavailableException(description(), "disconnected", null);
        }
        if (listFailures > 0) {
            listFailures--;
            throw new UnavailableException(description(), "injected list failure", null);
        }
        return new ObjectList<>(new ArrayList<>(objects.values()), revision, "");
    }

    @Override
    public synchronized Watch watch(long fromRevision, WatchListener<T> listener) {
        MemoryWatch w = new MemoryWatch(fromRevision, listener);
        watches.add(w);
        if (connected) {
            catchUp(w);
        }
        return w::close;
    }

    /** Under lock: sends {@code w} what it has not received, or expires it when that is compacted. */
    private void catchUp(MemoryWatch w) {
        if (w.next <= compactedRevision) {
            w.expire();
            return;
        }
        List<WatchEvent<T>> missed = new ArrayList<>();
        for (WatchEvent<T> e : history) {
            if (e.revision() >= w.next) {
                missed.add(e);
            }
        }
        w.send(missed);
        w.next = Math.max(w.next, revision + 1);
    }

    @Override
    public void close() {
        List<MemoryWatch> all;
        synchronized (this) {
            all = new ArrayList<>(watches);
        }
        all.forEach(MemoryWatch::close);
    }

    /** One watch: a thread of its own delivers, in order, outside the source's lock. */
    private final class MemoryWatch {
        private final WatchListener<T> listener;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "watch-" + description());
            t.setDaemon(true);
            return t;
        });
        long next; // the next revision to send; guarded by the source's lock

        MemoryWatch(long fromRevision, WatchListener<T> listener) {
            this.listener = listener;
            this.next = Math.max(1, fromRevision);
        }

        /** Under lock. */
        void send(List<WatchEvent<T>> events) {
            for (WatchEvent<T> e : events) {
                if (e.revision() >= next) {
                    next = e.revision() + 1;
                    deliver(l -> l.onEvent(e));
                }
            }
        }

        /** Under lock. */
        void expire() {
            watches.remove(this);
            long from = next;
            deliver(l -> l.onExpired(new ExpiredException(description(), "revision " + from + " has been compacted")));
            thread.shutdown();
        }

        void deliver(java.util.function.Consumer<WatchListener<T>> call) {
            try {
                thread.execute(() -> call.accept(listener));
            } catch (RejectedExecutionException ignored) {
                // closed
            }
        }

        void close() {
            synchronized (InMemoryListerWatcher.this) {
                watches.remove(this);
            }
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
