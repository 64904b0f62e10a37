package io.kubelite.store.informer;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.Keys;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A local, indexed, always-converging copy of one resource: list at revision R, then
 * watch from R + 1, applying every change to an {@link ObjectCache} and notifying
 * handlers.
 *
 * <p>When the watch's resume revision has been compacted the informer relists, diffs
 * the new list against its cache and delivers the adds, updates and deletes it missed,
 * then watches again. A value that cannot be decoded is logged and reported by
 * {@link #corruptKeys()}; the cache keeps that object's last good state, and every other
 * object is served as usual.
 *
 * <p>Lifecycle: configure indexes, then {@link #start()}; {@link #close()} is idempotent
 * and stops the watch, the list thread and every handler thread.
 */
public final class Informer<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);
    public static final String NAMESPACE_INDEX = "namespace";

    private final ObjectStore<T> store;
    private final Resource<T> resource;
    private final String namespace;
    private final Map<String, Indexer<T>> indexers = new LinkedHashMap<>();
    private final List<HandlerDispatcher<T>> dispatchers = new ArrayList<>();
    private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private final CountDownLatch synced = new CountDownLatch(1);
    private final Object lock = new Object();
    private final String name;
    private Predicate<? super T> filter = o -> true;
    private ObjectCache<T> cache;
    private Thread listThread;
    private ResourceWatch<T> watch;
    private volatile long lastRevision;
    private volatile boolean started;
    private volatile boolean closed;

    /** An informer over every object of the store's resource in {@code namespace} (null: all namespaces). */
    public Informer(ObjectStore<T> store, String namespace) {
        this.store = store;
        this.resource = store.resource();
        this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
        this.name = "informer-" + resource.plural() + (this.namespace == null ? "" : "-" + this.namespace);
        indexers.put(NAMESPACE_INDEX, o -> List.of(resource.meta(o).getNamespace()));
    }

    /** Adds an index; only before {@link #start()}. */
    public synchronized Informer<T> addIndex(String indexName, Indexer<T> indexer) {
        if (started) {
            throw new IllegalStateException("indexes must be added before start");
        }
        indexers.put(indexName, indexer);
        return this;
    }

    /**
     * Keeps only objects matching {@code f} in the cache (e.g. the pods bound to this
     * process's nodes); only before {@link #start()}. etcd cannot filter by value, so
     * every change still crosses the watch, but memory and handler work are bounded by
     * the matching objects. An object that stops matching is delivered as a delete, one
     * that starts matching as an add.
     */
    public synchronized Informer<T> setFilter(Predicate<? super T> f) {
        if (started) {
            throw new IllegalStateException("the filter must be set before start");
        }
        filter = f;
        return this;
    }

    /**
     * Adds a handler. Added after start, it first receives an add for every object
     * already in the cache.
     */
    public Informer<T> addHandler(ResourceEventHandler<T> handler) {
        synchronized (lock) {
            HandlerDispatcher<T> d = new HandlerDispatcher<>(name + "-handler-" + dispatchers.size(), handler);
            dispatchers.add(d);
            if (cache != null) {
                for (T obj : cache.list()) {
                    d.added(keyOf(resource.meta(obj)), obj);
                }
            }
            d.start();
            return this;
        }
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        synchronized (lock) {
            cache = new ObjectCache<>(indexers);
        }
        listThread = new Thread(() -> listAndWatch(false), name);
        listThread.setDaemon(true);
        listThread.start();
    }

    /** Key of an object in the cache and in work queues: {@code namespace/name}, or {@code name}. */
    public static String keyOf(ObjectMeta m) {
        return m.getNamespace().isEmpty() ? m.getName() : m.getNamespace() + "/" + m.getName();
    }

    public static String keyOf(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private void listAndWatch(boolean relist) {
        Backoff backoff = Backoff.of(ExponentialBackoff.LIST_RETRY);
        while (!closed) {
            try {
                ObjectList<T> list = store.list(new ListOptions<>(namespace, null, 0, 0, "")).join();
                corrupt.addAll(list.corruptKeys());
                replace(list.items(), list.revision());
                if (relist) {
                    LOG.info("{} relisted {} objects at revision {}", name, list.items().size(), list.revision());
                } else {
                    LOG.info("{} synced {} objects at revision {}", name, list.items().size(), list.revision());
                }
                synced.countDown();
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    watch = store.watch(namespace, list.revision() + 1, new Listener());
                }
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                long delay = backoff.nextMillis();
                LOG.warn("{} list failed, retrying in {} ms: {}", name, delay, rootMessage(e));
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** Makes the cache equal to {@code items} and notifies the differences. */
    private void replace(List<T> items, long revision) {
        synchronized (lock) {
            Map<String, T> fresh = new HashMap<>(items.size() * 2);
            for (T obj : items) {
                if (filter.test(obj)) {
                    fresh.put(keyOf(resource.meta(obj)), obj);
                }
            }
            for (String key : cache.keys()) {
                if (!fresh.containsKey(key) && !corruptKeyFor(key)) {
                    T old = cache.remove(key);
                    dispatchers.forEach(d -> d.deleted(key, old));
                }
            }
            for (Map.Entry<String, T> e : fresh.entrySet()) {
                T old = cache.put(e.getKey(), e.getValue());
                if (old == null) {
                    dispatchers.forEach(d -> d.added(e.getKey(), e.getValue()));
                } else if (!resource.meta(old).getResourceVersion().equals(resource.meta(e.getValue()).getResourceVersion())) {
                    dispatchers.forEach(d -> d.updated(e.getKey(), old, e.getValue()));
                }
                corrupt.remove(store.keys().key(resource, resource.meta(e.getValue()).getNamespace(),
                        resource.meta(e.getValue()).getName()));
            }
            lastRevision = revision;
        }
    }

    private boolean corruptKeyFor(String cacheKey) {
        for (String etcdKey : corrupt) {
            Optional<Keys.KeyParts> p = store.keys().parse(etcdKey);
            if (p.isPresent() && keyOf(p.get().namespace(), p.get().name()).equals(cacheKey)) {
                return true;
            }
        }
        return false;
    }

    private final class Listener implements WatchListener<T> {
        @Override
        public void onEvent(WatchEvent<T> e) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                corrupt.remove(e.key());
                if (e.type() == WatchEvent.Type.DELETED) {
                    String key = cacheKey(e);
                    T old = cache.remove(key);
                    T last = old != null ? old : e.object();
                    if (last != null) {
                        dispatchers.forEach(d -> d.deleted(key, last));
                    }
                } else if (!filter.test(e.object())) {
                    String key = keyOf(resource.meta(e.object()));
                    T old = cache.remove(key);
                    if (old != null) {
                        dispatchers.forEach(d -> d.deleted(key, old));
                    }
                } else {
                    String key = keyOf(resource.meta(e.object()));
                    T old = cache.put(key, e.object());
                    if (old == null) {
                        dispatchers.forEach(d -> d.added(key, e.object()));
                    } else {
                        dispatchers.forEach(d -> d.updated(key, old, e.object()));
                    }
                }
                lastRevision = e.revision();
            }
        }

        private String cacheKey(WatchEvent<T> e) {
            if (e.object() != null) {
                return keyOf(resource.meta(e.object()));
            }
            return store.keys().parse(e.key()).map(p -> keyOf(p.namespace(), p.name())).orElse(e.key());
        }

        @Override
        public void onProgress(long revision) {
            lastRevision = Math.max(lastRevision, revision);
        }

        @Override
        public void onCorrupt(CorruptException error) {
            if (corrupt.add(error.key())) {
                LOG.error("{}: undecodable value at {}; serving its last good state: {}", name, error.key(), error.getMessage());
            }
        }

        @Override
        public void onExpired(ExpiredException error) {
            if (closed) {
                return;
            }
            LOG.info("{} watch expired at revision {}; relisting", name, lastRevision);
            Thread t = new Thread(() -> listAndWatch(true), name + "-relist");
            t.setDaemon(true);
            synchronized (lock) {
                watch = null;
                listThread = t;
            }
            t.start();
        }
    }

    // ------------------------------------------------------------------ reads

    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits until the first list has filled the cache; false on timeout. */
    public boolean awaitSynced(Duration timeout) {
        try {
            return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The revision the cache reflects: everything up to it has been applied. */
    public long lastRevision() {
        return lastRevision;
    }

    public Optional<T> get(String namespace, String name) {
        return get(keyOf(namespace, name));
    }

    public Optional<T> get(String key) {
        ObjectCache<T> c = cache;
        return c == null ? Optional.empty() : Optional.ofNullable(c.get(key));
    }

    public List<T> list() {
        ObjectCache<T> c = cache;
        return c == null ? List.of() : c.list();
    }

    public List<T> byNamespace(String ns) {
        return byIndex(NAMESPACE_INDEX, ns == null ? "" : ns);
    }

    public List<T> byIndex(String indexName, String value) {
        ObjectCache<T> c = cache;
        return c == null ? List.of() : c.byIndex(indexName, value);
    }

    public Set<String> indexValues(String indexName) {
        ObjectCache<T> c = cache;
        return c == null ? Set.of() : c.indexValues(indexName);
    }

    /** etcd keys whose current values could not be decoded. */
    public Set<String> corruptKeys() {
        return Set.copyOf(corrupt);
    }

    /** True when every handler has processed everything delivered to it so far. */
    public boolean handlersIdle() {
        synchronized (lock) {
            return dispatchers.stream().allMatch(HandlerDispatcher::idle);
        }
    }

    public Resource<T> resource() {
        return resource;
    }

    @Override
    public void close() {
        List<HandlerDispatcher<T>> ds;
        ResourceWatch<T> w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            w = watch;
            watch = null;
            ds = new ArrayList<>(dispatchers);
        }
        if (w != null) {
            w.close();
        }
        Thread t = listThread;
        if (t != null) {
            t.interrupt();
        }
        ds.forEach(HandlerDispatcher::close);
    }
}
