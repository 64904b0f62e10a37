package io.kubelite.store.informer;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.runtime.ConcurrentClose;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The informers of one process (or one leadership term), shared: one {@link Informer} per
 * resource, or per resource and named scope, for every user that asks, started and closed
 * together.
 *
 * <p>Users ask for informers and add their indexes and handlers, then {@link #start()}
 * starts every informer not started yet (so a process may start some, wait for them, and
 * later ask for and start more, as client-go's factory allows). {@link #close()} closes
 * every informer, newest first; afterwards nothing can be asked for. Thread-safe.
 */
public final class SharedInformerFactory implements AutoCloseable {
    private final ListerWatchers sources;
    private final Map<String, Shared> informers = new LinkedHashMap<>();
    private boolean closed;

    /** One informer's entry: its filter's identity tells a scope name reused for another filter. */
    private record Shared(Informer<?> informer, Predicate<?> filter) {}

    /** Informers over {@code sources} (e.g. {@link ListerWatchers#etcd}). */
    public SharedInformerFactory(ListerWatchers sources) {
        this.sources = Objects.requireNonNull(sources);
    }

    /** The shared informer over every object of {@code r}, created on first request. */
    public <T extends Message> Informer<T> get(Resource<T> r) {
        return get(r, "", null);
    }

    /**
     * The shared informer over the objects of {@code r} that match {@code filter}, created
     * on first request; {@code scope} names the filter (see {@link Informer#setFilter}).
     *
     * @throws IllegalStateException if {@code scope} was asked for before with another filter,
     *                               or the factory is closed
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends Message> Informer<T> get(Resource<T> r, String scope, Predicate<? super T> filter) {
        if (closed) {
            throw new IllegalStateException("informer factory closed");
        }
        String key = r.plural() + (scope.isEmpty() ? "" : "#" + scope);
        Shared s = informers.get(key);
        if (s == null) {
            Informer<T> i = new Informer<>(sources.of(r));
            if (filter != null) {
                i.setFilter(filter);
            }
            s = new Shared(i, filter);
            informers.put(key, s);
        } else if (s.filter() != filter) {
            throw new IllegalStateException("informer scope " + key + " already has another filter");
        }
        return (Informer<T>) s.informer();
    }

    /** Starts every informer not started yet. */
    public synchronized void start() {
        if (!closed) {
            informers.values().forEach(s -> s.informer().start());
        }
    }

    /** Waits until every informer asked for so far has filled its cache; false on timeout or interrupt. */
    public boolean waitForCacheSync(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Informer<?> i : all()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !i.awaitSynced(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** True when every informer asked for so far has filled its cache. */
    public boolean hasSynced() {
        return all().stream().allMatch(Informer::hasSynced);
    }

    private synchronized List<Informer<?>> all() {
        List<Informer<?>> out = new ArrayList<>();
        informers.values().forEach(s -> out.add(s.informer()));
        return out;
    }

    @Override
    public void close() {
        List<Informer<?>> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>();
            informers.values().forEach(s -> all.add(0, s.informer()));
        }
        // all at once: each may wait seconds for its watch's and handlers' threads
        ConcurrentClose.closeAll(all, i -> i.resource().plural());
    }
}
