package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectList;
import io.kubelite.store.ObjectStore;
import io.kubelite.kinds.Resource;
import io.kubelite.store.backoff.Backoff;
import io.kubelite.store.backoff.ExponentialBackoff;
import io.kubelite.store.watch.ResourceWatch;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One API server's view of one resource: the current objects (with their JSON encoding
 * done once), a bounded history of recent changes, and the HTTP watchers it feeds — all
 * over a single etcd watch.
 *
 * <p>It is built like the store's informer (list at revision R, then a gap-free
 * {@link ResourceWatch} from R + 1, relist after compaction) rather than on top of it,
 * because an informer's handlers see neither the revision of a delete nor every
 * intermediate update (a busy handler's updates are merged), and a watch cache must
 * replay exactly what happened, in revision order.
 *
 * <p>History: every event with a revision greater than {@link #historyStart()} is in
 * the buffer (at most {@code capacity} events). A watch from revision N is served from
 * the buffer when N ≥ historyStart, else it gets a 410 Expired. After a compaction
 * forces a relist, the differences are delivered to the current watchers and the
 * history restarts at the relist's revision.
 *
 * <p>Threads: changes are applied on the etcd watch's thread under one lock; sinks are
 * called under that lock, in revision order, and must only enqueue.
 */
public final class WatchCache<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);

    /** A cached object and its list-item JSON. */
    public record Entry<T>(T object, byte[] json) {
    }

    /** Receives changes; called under the cache lock, so it must only enqueue. */
    public interface Sink<T extends Message> {
        void change(WatchChange<T> c);

        void bookmark(long revision);

        /** The requested revision is older than the history; the sink gets nothing more. */
        void expired(String message);
    }

    private final ObjectStore<T> store;
    private final Resource<T> resource;
    private final Object lock = new Object();
    private final Map<String, Entry<T>> items = new ConcurrentHashMap<>();
    private final ChangeHistory<T> history;
    private final List<Sink<T>> sinks = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private final List<Map.Entry<Long, CompletableFuture<Void>>> revisionWaiters = new ArrayList<>();
    private final FreshnessWaiters freshWaiters = new FreshnessWaiters(lock);
    private final ScheduledExecutorService timers;
    private volatile long revision;
    private ResourceWatch<T> watch;
    private volatile boolean closed;

    public WatchCache(ObjectStore<T> store, int capacity, ScheduledExecutorService timers) {
        this.store = store;
        this.resource = store.resource();
        this.history = new ChangeHistory<>(capacity);
        this.timers = timers;
    }

    public Resource<T> resource() {
        return resource;
    }

    public void start() {
        Thread t = new Thread(() -> listAndWatch(false), "watch-cache-" + resource.plural());
        t.setDaemon(true);
        t.start();
    }

    /** Completes once the first list is in. */
    public CompletableFuture<Void> synced() {
        return synced;
    }

    public boolean hasSynced() {
        return synced.isDone();
    }

    /** Everything up to this revision is applied. */
    public long revision() {
        return revision;
    }

    public long historyStart() {
        return history.start();
    }

    /** Completes when the cache has reached {@code rev} (at once if it has). */
    public CompletableFuture<Void> awaitRevision(long rev) {
        synchronized (lock) {
            if (revision >= rev) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            revisionWaiters.add(Map.entry(rev, f));
            return f;
        }
    }

    /**
     * Completes once the cache holds exactly the objects etcd held at {@code state} (see
     * {@link FreshnessWaiters}). Never times out; the caller bounds the wait and cancels the future.
     */
    public CompletableFuture<Void> awaitFresh(EtcdState state) {
        synchronized (lock) {
            return freshWaiters.await(state, revision, items.size());
        }
    }

    public Entry<T> get(String namespace, String name) {
        return items.get(key(namespace, name));
    }

    /** A consistent snapshot of the objects (in one namespace, or all when null) and the revision it reflects. */
    public Snapshot<T> snapshot(String namespace) {
        synchronized (lock) {
            List<Entry<T>> out = new ArrayList<>(namespace == null ? items.size() : 16);
            for (Entry<T> e : items.values()) {
                if (namespace == null || resource.meta(e.object()).getNamespace().equals(namespace)) {
                    out.add(e);
                }
            }
            return new Snapshot<>(out, revision);
        }
    }

    /** Objects and the revision they were read at. Unsorted. */
    public record Snapshot<T>(List<Entry<T>> entries, long revision) {
    }

    public int size() {
        return items.size();
    }

    public int watchers() {
        return sinks.size();
    }

    /**
     * Adds a sink. {@code fromRevision} < 0: first an ADDED for every current object
     * (kube's "start at most recent" and rv=0 semantics), then live changes; otherwise the
     * changes after {@code fromRevision} from the history, then live ones.
     */
    public Runnable watch(long fromRevision, Sink<T> target) {
        // a client may hold a revision this cache has not reached yet: skip changes up to it
        Sink<T> sink = fromRevision > revision ? new Floor<>(fromRevision, target) : target;
        synchronized (lock) {
            if (fromRevision < 0) {
                for (Entry<T> e : items.values()) {
                    T o = e.object();
                    sink.change(new WatchChange<>(resource, WatchEvent.Type.ADDED, o, null,
                            Long.parseLong(resource.meta(o).getResourceVersion()), Codec.typedFromItem(resource, e.json())));
                }
            } else if (!history.holds(fromRevision)) {
                sink.expired("too old resource version: " + fromRevision + " (" + history.start() + ")");
                return () -> { };
            } else {
                history.replayAfter(fromRevision, sink::change);
            }
            sinks.add(sink);
        }
        return () -> sinks.remove(sink);
    }

    /** Drops changes at or below a revision. */
    private record Floor<T extends Message>(long floor, Sink<T> target) implements Sink<T> {
        @Override
        public void change(WatchChange<T> c) {
            if (c.revision() > floor) {
                target.change(c);
            }
        }

        @Override
        public void bookmark(long rev) {
            if (rev >= floor) {
                target.bookmark(rev);
            }
        }

        @Override
        public void expired(String message) {
            target.expired(message);
        }
    }

    /** Sends a bookmark at the current revision to every sink (they decide whether to pass it on). */
    public void bookmarkAll() {
        synchronized (lock) {
            long rev = revision;
            for (Sink<T> s : sinks) {
                s.bookmark(rev);
            }
        }
    }

    private static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private String key(T o) {
        ObjectMeta m = resource.meta(o);
        return key(m.getNamespace(), m.getName());
    }

    // ------------------------------------------------------------------ feeding

    private void listAndWatch(boolean relist) {
        Backoff backoff = Backoff.of(ExponentialBackoff.LIST_RETRY);
        while (!closed) {
            try {
                ObjectList<T> list = store.list(ListOptions.all()).join();
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    replace(list.items(), list.revision(), relist);
                    watch = store.watch(null, list.revision() + 1, new Listener());
                }
                synced.complete(null);
                LOG.info("watch cache {} {} {} objects at revision {}", resource.plural(),
                        relist ? "relisted" : "synced", list.items().size(), list.revision());
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                long delay = backoff.nextMillis();
                LOG.warn("watch cache {} list failed, retrying in {} ms: {}", resource.plural(), delay, e.getMessage());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Under lock: makes the cache equal to {@code list}, delivering the differences to the sinks. */
    private void replace(List<T> list, long rev, boolean relist) {
        Map<String, T> fresh = new HashMap<>(list.size() * 2);
        for (T o : list) {
            fresh.put(key(o), o);
        }
        List<WatchChange<T>> diffs = new ArrayList<>();
        for (Iterator<Map.Entry<String, Entry<T>>> it = items.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry<T>> e = it.next();
            if (!fresh.containsKey(e.getKey())) {
                it.remove();
                T last = withRevision(e.getValue().object(), rev);
                diffs.add(new WatchChange<>(resource, WatchEvent.Type.DELETED, last, null, rev, Codec.typed(resource, last)));
            }
        }
        for (Map.Entry<String, T> e : fresh.entrySet()) {
            byte[] json = Codec.item(e.getValue());
            Entry<T> old = items.put(e.getKey(), new Entry<>(e.getValue(), json));
            if (old == null) {
                diffs.add(new WatchChange<>(resource, WatchEvent.Type.ADDED, e.getValue(), null, rev, Codec.typedFromItem(resource, json)));
            } else if (!resource.meta(old.object()).getResourceVersion()
                    .equals(resource.meta(e.getValue()).getResourceVersion())) {
                diffs.add(new WatchChange<>(resource, WatchEvent.Type.MODIFIED, e.getValue(), old.object(), rev,
                        Codec.typedFromItem(resource, json)));
            }
        }
        history.restartAt(rev);
        if (relist) {
            for (WatchChange<T> c : diffs) {
                for (Sink<T> s : sinks) {
                    s.change(c);
                }
            }
        }
        advance(rev);
    }

    private void advance(long rev) {
        if (rev <= revision) {
            return;
        }
        revision = rev;
        freshWaiters.check(rev, items.size());
        if (!revisionWaiters.isEmpty()) {
            revisionWaiters.removeIf(w -> {
                if (w.getKey() <= rev) {
                    w.getValue().complete(null);
                    return true;
                }
                return false;
            });
        }
    }

    private T withRevision(T o, long rev) {
        ObjectMeta m = resource.meta(o);
        return resource.withMeta(o, m.toBuilder().setResourceVersion(Long.toString(rev)).build());
    }

    private final class Listener implements WatchListener<T> {
        @Override
        public void onEvent(WatchEvent<T> e) {
            // encode outside the lock: the watch thread is the only writer, so this is race-free
            WatchChange<T> c;
            Entry<T> entry = null;
            if (e.type() == WatchEvent.Type.DELETED) {
                Entry<T> old = items.get(keyFromEvent(e));
                T last = e.object() != null ? e.object() : old == null ? null : old.object();
                if (last == null) {
                    synchronized (lock) {
                        advance(e.revision());
                    }
                    return;
                }
                last = withRevision(last, e.revision());
                c = new WatchChange<>(resource, WatchEvent.Type.DELETED, last, null, e.revision(), Codec.typed(resource, last));
            } else {
                byte[] json = Codec.item(e.object());
                entry = new Entry<>(e.object(), json);
                Entry<T> old = items.get(key(e.object()));
                T prev = e.previous() != null ? e.previous() : old == null ? null : old.object();
                WatchEvent.Type type = old == null && e.previous() == null ? WatchEvent.Type.ADDED : e.type();
                c = new WatchChange<>(resource, type, e.object(), prev, e.revision(), Codec.typedFromItem(resource, json));
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
                if (c.type() == WatchEvent.Type.DELETED) {
                    items.remove(key(c.object()));
                } else {
                    items.put(key(c.object()), entry);
                }
                history.add(c);
                for (Sink<T> s : sinks) {
                    s.change(c);
                }
                advance(e.revision());
            }
        }

        private String keyFromEvent(WatchEvent<T> e) {
            if (e.object() != null) {
                return key(e.object());
            }
            return store.keys().parse(e.key()).map(p -> key(p.namespace(), p.name())).orElse(e.key());
        }

        @Override
        public void onProgress(long rev) {
            synchronized (lock) {
                advance(rev);
            }
        }

        @Override
        public void onCorrupt(CorruptException error) {
            LOG.error("watch cache {}: undecodable value at {}: {}", resource.plural(), error.key(), error.getMessage());
        }

        @Override
        public void onExpired(ExpiredException error) {
            if (closed) {
                return;
            }
            LOG.info("watch cache {} expired at revision {}; relisting", resource.plural(), revision);
            Thread t = new Thread(() -> listAndWatch(true), "watch-cache-" + resource.plural() + "-relist");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Schedules periodic bookmarks on the shared timer. */
    public void scheduleBookmarks(long intervalMillis) {
        timers.scheduleWithFixedDelay(() -> {
            try {
                bookmarkAll();
            } catch (RuntimeException e) {
                LOG.warn("bookmark failed: {}", e.toString());
            }
        }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ResourceWatch<T> w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            w = watch;
            watch = null;
            for (Sink<T> s : sinks) {
                s.expired(null);
            }
            sinks.clear();
            revisionWaiters.forEach(x -> x.getValue().cancel(false));
            revisionWaiters.clear();
            freshWaiters.cancelAll();
        }
        if (w != null) {
            w.close();
        }
        synced.cancel(false);
    }
}
