package io.kubelite.store.informer;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.backoff.ExponentialBackoff;
import io.kubelite.store.reflector.Delta;
import io.kubelite.store.reflector.EtcdListerWatcher;
import io.kubelite.store.reflector.ListerWatcher;
import io.kubelite.store.reflector.ObjectKeys;
import io.kubelite.store.reflector.Reflector;
import io.kubelite.store.reflector.ReflectorListener;
import io.kubelite.store.watch.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import java.util.function.Predicate;

/**
 * A local, indexed, always-converging copy of one resource: a {@link Reflector} keeps an
 * {@link ObjectCache} equal to a {@link ListerWatcher}'s objects (list at revision R,
 * watch from R + 1, relist and deliver the differences after compaction), and every
 * change is passed on to the handlers.
 *
 * <p>A value that cannot be decoded is logged and reported by {@link #corruptKeys()}; the
 * cache keeps that object's last good state, and every other object is served as usual.
 *
 * <p>Lifecycle: configure indexes and the filter, then {@link #start()}; {@link #close()}
 * is idempotent and stops the reflector and every handler thread.
 */
public final class Informer<T extends Message> implements AutoCloseable {
    public static final String NAMESPACE_INDEX = "namespace";

    private final ListerWatcher<T> source;
    private final Resource<T> resource;
    private final Map<String, Indexer<T>> indexers = new LinkedHashMap<>();
    private final List<HandlerDispatcher<T>> dispatchers = new ArrayList<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    private final Object lock = new Object();
    private final String name;
    private Predicate<? super T> filter = o -> true;
    private BinaryOperator<T> transform;
    private io.kubelite.store.watch.KnownValues<T> knownValues;
    private ObjectCache<T> cache;
    private volatile Reflector<T> reflector;
    private volatile boolean started;
    private volatile boolean closed;

    /** An informer over every object of the store's resource in {@code namespace} (null: all namespaces). */
    public Informer(ObjectStore<T> store, String namespace) {
        this(new EtcdListerWatcher<>(store, namespace));
    }

    /** An informer over {@code source}'s objects. */
    public Informer(ListerWatcher<T> source) {
        this.source = source;
        this.resource = source.resource();
        this.name = "informer-" + source.description();
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
     * Has the cache keep {@code t.apply(previous, incoming)} in place of each incoming object,
     * {@code previous} being the version it holds for the key (null: none); handlers receive
     * what it returns. Only before {@link #start()}. {@code t} must return an object equal in
     * meaning to {@code incoming}; it is for sharing unchanged parts with {@code previous} and
     * canonical copies of repeated values, so that a large cache holds fewer copies (as
     * client-go's {@code SetTransform} strips what a client does not need).
     */
    public synchronized Informer<T> setTransform(BinaryOperator<T> t) {
        if (started) {
            throw new IllegalStateException("the transform must be set before start");
        }
        transform = t;
        return this;
    }

    /**
     * Lets the informer's watch deliver objects this process wrote from {@code k} instead of
     * decoding etcd's copy of them (see {@link io.kubelite.store.watch.KnownValues}). Only
     * before {@link #start()}.
     */
    public synchronized Informer<T> setKnownValues(io.kubelite.store.watch.KnownValues<T> k) {
        if (started) {
            throw new IllegalStateException("known values must be set before start");
        }
        knownValues = java.util.Objects.requireNonNull(k);
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
        if (started || closed) {
            return;
        }
        started = true;
        synchronized (lock) {
            cache = new ObjectCache<>(indexers);
        }
        Reflector<T> r = new Reflector<>(name, source, filter, ExponentialBackoff.LIST_RETRY, new CacheFeeder());
        if (transform != null) {
            r.setTransform(transform);
        }
        if (knownValues != null) {
            r.setKnownValues(knownValues);
        }
        reflector = r;
        r.start();
    }

    /** Key of an object in the cache and in work queues: {@code namespace/name}, or {@code name}. */
    public static String keyOf(ObjectMeta m) {
        return ObjectKeys.of(m);
    }

    public static String keyOf(String namespace, String name) {
        return ObjectKeys.of(namespace, name);
    }

    /** Applies the reflector's changes to the cache and hands them to every handler. */
    private final class CacheFeeder implements ReflectorListener<T> {
        @Override
        public void onReplace(List<Delta<T>> deltas, long revision, boolean relist) {
            synchronized (lock) {
                deltas.forEach(this::apply);
            }
            synced.countDown();
        }

        @Override
        public void onDelta(Delta<T> d) {
            synchronized (lock) {
                if (!closed) {
                    apply(d);
                }
            }
        }

        private void apply(Delta<T> d) {
            if (d.type() == WatchEvent.Type.DELETED) {
                cache.remove(d.key());
                dispatchers.forEach(h -> h.deleted(d.key(), d.object()));
                return;
            }
            T old = cache.put(d.key(), d.object());
            if (old == null) {
                dispatchers.forEach(h -> h.added(d.key(), d.object()));
            } else {
                dispatchers.forEach(h -> h.updated(d.key(), old, d.object()));
            }
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
        Reflector<T> r = reflector;
        return r == null ? 0 : r.lastRevision();
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

    /** Source (etcd) keys whose current values could not be decoded. */
    public Set<String> corruptKeys() {
        Reflector<T> r = reflector;
        return r == null ? Set.of() : r.unreadableKeys();
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
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ds = new ArrayList<>(dispatchers);
        }
        Reflector<T> r;
        synchronized (this) { // after start() has set it, or start() sees closed
            r = reflector;
        }
        if (r != null) {
            r.close();
        }
        ds.forEach(HandlerDispatcher::close);
    }
}
