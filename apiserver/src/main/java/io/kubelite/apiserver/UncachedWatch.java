package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.watch.ResourceWatch;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of a resource the API server keeps no watch cache for (Events, as kube-apiserver's
 * {@code --watch-cache-sizes} leaves them out): each watch request gets its own etcd watch, as
 * kube's etcd3 watcher serves an uncached resource.
 *
 * <p>Semantics are the watch cache's: from revision N ({@code resourceVersion=N}) the changes after
 * N, or a 410 Expired when etcd has compacted N away; without one ({@code fromRevision < 0}) first
 * an ADDED for every current object (a quorum list), then the changes after the list's revision.
 * The initial objects are read by {@link #open} before the stream starts, so a failed list is the
 * request's error and the caller knows how many events come first.
 *
 * <p>Threads: the initial events are handed over on the caller's thread by {@link #start}, the
 * changes on the etcd watch's own thread, one at a time; {@link #close()} is idempotent and stops
 * the etcd watch.
 */
final class UncachedWatch<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UncachedWatch.class);

    private final ObjectStore<T> store;
    private final String namespace;
    private final long fromRevision;
    private final List<T> initial;
    private final long bookmarkMillis;
    private ResourceWatch<T> watch;
    private boolean closed;

    private UncachedWatch(
            ObjectStore<T> store, String namespace, long fromRevision, List<T> initial, long bookmarkMillis) {
        this.store = store;
        this.namespace = namespace;
        this.fromRevision = fromRevision;
        this.initial = initial;
        this.bookmarkMillis = bookmarkMillis;
    }

    /**
     * Reads what the watch starts from: nothing for {@code fromRevision ≥ 0}, else the current objects
     * of {@code namespace} (all when null). Bookmarks (etcd's progress) go out at most every
     * {@code bookmarkMillis}, as the watch cache's periodic ones.
     */
    static <T extends Message> CompletableFuture<UncachedWatch<T>> open(
            ObjectStore<T> store, String namespace, long fromRevision, long bookmarkMillis) {
        if (fromRevision >= 0) {
            return CompletableFuture.completedFuture(
                    new UncachedWatch<>(store, namespace, fromRevision, List.of(), bookmarkMillis));
        }
        return store.list(new ListOptions<>(namespace, null, 0, 0, ""))
                .thenApply(l -> new UncachedWatch<>(store, namespace, l.revision(), l.items(), bookmarkMillis));
    }

    /** The number of ADDED events {@link #start} sends before the live changes. */
    int initialEvents() {
        return initial.size();
    }

    /** Sends the initial ADDED events, then every change after the start revision, to {@code sink}. */
    synchronized void start(WatchCache.Sink<T> sink) {
        if (closed) {
            return;
        }
        Resource<T> resource = store.resource();
        for (T o : initial) {
            long rev = Long.parseLong(resource.meta(o).getResourceVersion());
            sink.change(new WatchChange<>(resource, WatchEvent.Type.ADDED, o, null, rev, Codec.typed(resource, o)));
        }
        watch = store.watch(namespace, fromRevision + 1, new Listener(resource, sink));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watch != null) {
            watch.close();
        }
    }

    /** Turns the etcd watch's events into watch-cache changes, each encoded once for its one watcher. */
    private final class Listener implements WatchListener<T> {
        private final Resource<T> resource;
        private final WatchCache.Sink<T> sink;
        private long lastBookmark = System.nanoTime();

        Listener(Resource<T> resource, WatchCache.Sink<T> sink) {
            this.resource = resource;
            this.sink = sink;
        }

        @Override
        public void onEvent(WatchEvent<T> e) {
            T o = e.object();
            if (o == null) {
                // a delete whose previous value etcd no longer had: nothing a client could be shown
                LOG.debug(
                        "{}: delete of {} at {} without its last state, not sent",
                        resource.plural(),
                        e.key(),
                        e.revision());
                return;
            }
            if (e.type() == WatchEvent.Type.DELETED) {
                o = resource.withResourceVersion(o, e.revision());
            }
            sink.change(new WatchChange<>(resource, e.type(), o, e.previous(), e.revision(), Codec.typed(resource, o)));
        }

        @Override
        public void onProgress(long revision) {
            // etcd reports progress after every batch of events too: pass it on only as often as
            // a cached resource's watchers get bookmarks
            long now = System.nanoTime();
            if (now - lastBookmark >= bookmarkMillis * 1_000_000L) {
                lastBookmark = now;
                sink.bookmark(revision);
            }
        }

        @Override
        public void onCorrupt(CorruptException error) {
            LOG.warn("{}: unreadable value skipped by a watch: {}", resource.plural(), error.getMessage());
        }

        @Override
        public void onExpired(ExpiredException error) {
            sink.expired("too old resource version: " + fromRevision + " (" + error.getMessage() + ")");
        }
    }
}
