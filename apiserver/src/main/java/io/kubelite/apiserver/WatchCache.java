package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.backoff.ExponentialBackoff;
import io.kubelite.store.reflector.Delta;
import io.kubelite.store.reflector.EtcdListerWatcher;
import io.kubelite.store.reflector.Reflector;
import io.kubelite.store.reflector.ReflectorListener;
import io.kubelite.store.watch.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API server's view of one resource: the current objects (with their JSON encoding
 * done once), a bounded history of recent changes, and the HTTP watchers it feeds — all
 * over a single etcd watch.
 *
 * <p>It is fed by its own {@link Reflector}, as the store's informer is (list at revision
 * R, then a gap-free watch from R + 1, relist and diff after compaction), rather than by
 * an informer, because an informer's handlers see neither the revision of a delete nor
 * every intermediate update (a busy handler's updates are merged), and a watch cache
 * must replay exactly what happened, in revision order.
 *
 * <p>History: every event with a revision greater than {@link #historyStart()} is in
 * the buffer ({@link ChangeHistory}: the last 75 s of changes, at most {@code capacity}). A watch from revision N is served from
 * the buffer when N ≥ historyStart, else it gets a 410 Expired. After a compaction
 * forces a relist, the differences are delivered to the current watchers and the
 * history restarts at the relist's revision.
 *
 * <p>Threads: the reflector's threads (its list thread, the etcd watch's thread) decode and
 * share; a watched change is encoded on one of the cache's encoding threads (idle ones time
 * out), and changes are applied one at a time, in revision order, under one lock, by whichever
 * of those threads finds the next one ready; sinks are called under that lock, in revision
 * order, and must only enqueue.
 */
public final class WatchCache<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);
    /** Changes received and not yet applied, beyond which the etcd watch waits for the encoders. */
    private static final int MAX_UNAPPLIED = 10_000;

    /**
     * A cached object, its list-item JSON (encoded when the change arrives, shared by lists, gets
     * and watch events), and its Kubernetes protobuf (encoded at the first protobuf read of this
     * revision and kept with it: memory is spent only when a protobuf client reads, about 0.6 of the
     * JSON's size: 1 KB against 1.6 KB for the benchmark's pod).
     */
    public static final class Entry<T> {
        private final T object;
        private final byte[] json;
        private volatile byte[] protobuf;

        public Entry(T object, byte[] json) {
            this.object = object;
            this.json = json;
        }

        public T object() {
            return object;
        }

        public byte[] json() {
            return json;
        }

        /** {@link KubeProtobufEncoder#message} of the object; two racing first readers encode the same bytes. */
        public byte[] protobuf() {
            byte[] p = protobuf;
            if (p == null) {
                p = KubeProtobufEncoder.message((Message) object);
                protobuf = p;
            }
            return p;
        }
    }

    /** Receives changes; called under the cache lock, so it must only enqueue. */
    public interface Sink<T extends Message> {
        void change(WatchChange<T> c);

        void bookmark(long revision);

        /** The requested revision is older than the history; the sink gets nothing more. */
        void expired(String message);
    }

    private final Resource<T> resource;
    private final Reflector<T> reflector;
    /** Encodes watched changes in parallel and applies them in order ({@link Feeder}). */
    private final InOrderPipeline<Runnable> pipeline;

    private final Object lock = new Object();
    /**
     * By object key ({@code namespace/name}, or {@code name}), kept in that order: it is the order
     * of a list (namespace, then name), so a list takes a snapshot without sorting, and one
     * namespace is one sub-map.
     */
    private final NavigableMap<String, Entry<T>> items = new ConcurrentSkipListMap<>();

    private final ChangeHistory<T> history;
    private final List<Sink<T>> sinks = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private final List<Map.Entry<Long, CompletableFuture<Void>>> revisionWaiters = new ArrayList<>();
    private final FreshnessWaiters freshWaiters = new FreshnessWaiters(lock);
    private final ScheduledExecutorService timers;
    private volatile long revision;
    private volatile boolean closed;

    /** A cache whose history holds the changes of the last 75 s (kube's window), at most {@code capacity}. */
    public WatchCache(ObjectStore<T> store, int capacity, ScheduledExecutorService timers) {
        this(store, capacity, ChangeHistory.DEFAULT_WINDOW, timers);
    }

    /** A cache whose history holds the changes of the last {@code window}, at most {@code capacity}. */
    public WatchCache(ObjectStore<T> store, int capacity, Duration window, ScheduledExecutorService timers) {
        this.resource = store.resource();
        this.history = new ChangeHistory<>(capacity, window, System::nanoTime);
        this.timers = timers;
        this.pipeline = new InOrderPipeline<>(
                "watch-cache-" + resource.plural() + "-encode",
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                MAX_UNAPPLIED,
                Runnable::run);
        this.reflector = new Reflector<>(
                "watch-cache-" + resource.plural(),
                new EtcdListerWatcher<>(store, null),
                o -> true,
                ExponentialBackoff.LIST_RETRY,
                new Feeder());
        // equal parts of the cached objects (a ReplicaSet's pods, an object's versions) as one instance
        reflector.setTransform(new CachedObjectSharing<>(resource));
    }

    public Resource<T> resource() {
        return resource;
    }

    /**
     * Whether the API server keeps a watch cache of {@code r}: every stored resource but Events, as
     * kube-apiserver's default {@code --watch-cache-sizes} (events are many, short-lived and rarely
     * read); their lists, gets and watches go to etcd ({@link UncachedWatch}).
     */
    public static boolean kept(Resource<?> r) {
        return !r.plural().equals(EventKind.RESOURCE.plural()) || !r.group().equals(EventKind.RESOURCE.group());
    }

    public void start() {
        reflector.start();
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

    /**
     * A consistent snapshot of the objects (in one namespace, or all when null) and the revision it
     * reflects, sorted by namespace and then name.
     */
    public Snapshot<T> snapshot(String namespace) {
        synchronized (lock) {
            // '0' follows '/': the keys "<namespace>/..." are exactly those in [namespace/, namespace0)
            var view = namespace == null ? items : items.subMap(namespace + "/", true, namespace + "0", false);
            return new Snapshot<>(new ArrayList<>(view.values()), revision);
        }
    }

    /** Objects, sorted by namespace and then name, and the revision they were read at. */
    public record Snapshot<T>(List<Entry<T>> entries, long revision) {}

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
                    sink.change(new WatchChange<>(
                            resource,
                            WatchEvent.Type.ADDED,
                            o,
                            null,
                            Long.parseLong(resource.meta(o).getResourceVersion()),
                            Codec.typedFromItem(resource, e.json())));
                }
            } else if (!history.holds(fromRevision)) {
                sink.expired("too old resource version: " + fromRevision + " (" + history.start() + ")");
                return () -> {};
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

    /**
     * Sends a bookmark at the current revision to every sink (they decide whether to pass it on);
     * drops the history's changes that have left its window meanwhile.
     */
    public void bookmarkAll() {
        synchronized (lock) {
            history.trim();
            long rev = revision;
            for (Sink<T> s : sinks) {
                s.bookmark(rev);
            }
        }
    }

    private static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    // ------------------------------------------------------------------ feeding

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

    /**
     * Applies the reflector's changes to the items and the history, and hands them to the
     * sinks. A watched change's JSON is encoded on the {@link #pipeline}'s threads, in parallel
     * with the changes before and after it, and applied (under the lock) in the order the
     * reflector made them, so readers never wait for an encoding and the etcd watch's thread
     * only decodes; a list's differences are encoded on the list thread and applied after every
     * change before them.
     */
    private final class Feeder implements ReflectorListener<T> {
        @Override
        public void onReplace(List<Delta<T>> deltas, long rev, boolean relist) {
            List<Encoded<T>> diffs = deltas.stream().map(this::encode).toList();
            pipeline.submitDone(() -> {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    diffs.forEach(this::apply);
                    history.restartAt(rev);
                    if (relist) {
                        for (Encoded<T> e : diffs) {
                            for (Sink<T> s : sinks) {
                                s.change(e.change());
                            }
                        }
                    }
                    advance(rev);
                }
                synced.complete(null);
            });
        }

        @Override
        public void onDelta(Delta<T> d) {
            pipeline.submit(() -> {
                Encoded<T> e = encode(d);
                return () -> {
                    synchronized (lock) {
                        if (closed) {
                            return;
                        }
                        apply(e);
                        history.add(e.change());
                        for (Sink<T> s : sinks) {
                            s.change(e.change());
                        }
                        advance(d.revision());
                    }
                };
            });
        }

        @Override
        public void onProgress(long rev) {
            pipeline.submitDone(() -> {
                synchronized (lock) {
                    advance(rev);
                }
            });
        }

        /** The change to record and send (a delete carries its own revision) and, unless a delete, the new entry. */
        private Encoded<T> encode(Delta<T> d) {
            if (d.type() == WatchEvent.Type.DELETED) {
                T last = resource.withResourceVersion(d.object(), d.revision());
                return new Encoded<>(
                        d.key(),
                        new WatchChange<>(
                                resource,
                                WatchEvent.Type.DELETED,
                                last,
                                null,
                                d.revision(),
                                Codec.typed(resource, last)),
                        null);
            }
            byte[] json = Codec.item(d.object());
            return new Encoded<>(
                    d.key(),
                    new WatchChange<>(
                            resource,
                            d.type(),
                            d.object(),
                            d.previous(),
                            d.revision(),
                            Codec.typedFromItem(resource, json)),
                    new Entry<>(d.object(), json));
        }

        /** Under lock. */
        private void apply(Encoded<T> e) {
            if (e.entry() == null) {
                items.remove(e.key());
            } else {
                items.put(e.key(), e.entry());
            }
        }
    }

    /** A change encoded for the sinks and, unless a delete, the item it leaves. */
    private record Encoded<T extends Message>(String key, WatchChange<T> change, Entry<T> entry) {}

    /** Schedules periodic bookmarks on the shared timer. */
    public void scheduleBookmarks(long intervalMillis) {
        timers.scheduleWithFixedDelay(
                () -> {
                    try {
                        bookmarkAll();
                    } catch (RuntimeException e) {
                        LOG.warn("bookmark failed: {}", e.toString());
                    }
                },
                intervalMillis,
                intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Sink<T> s : sinks) {
                s.expired(null);
            }
            sinks.clear();
            revisionWaiters.forEach(x -> x.getValue().cancel(false));
            revisionWaiters.clear();
            freshWaiters.cancelAll();
        }
        reflector.close();
        pipeline.close();
        synced.cancel(false);
    }
}
