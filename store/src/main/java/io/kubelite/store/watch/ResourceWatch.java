package io.kubelite.store.watch;

import com.google.protobuf.Message;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.kubelite.kinds.Resource;
import io.kubelite.store.CorruptException;
import io.kubelite.store.Etcd;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.Keys;
import io.kubelite.store.StoreException;
import io.kubelite.store.StoredObjects;
import io.kubelite.store.backoff.Backoff;
import io.kubelite.store.backoff.ExponentialBackoff;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gap-free, duplicate-free watch of a key prefix from a given revision.
 *
 * <p>The watch tracks the last revision it delivered itself and, after any error,
 * close or stall of the underlying etcd watch, opens a new one from that revision + 1;
 * events at or below it are dropped, so a reconnect (to the same or another member)
 * never repeats or skips a change. When the resume revision has been compacted the
 * listener's {@code onExpired} is called once and the watch stops: the caller relists.
 *
 * <p>Progress: etcd's periodic progress notifications (the watch asks for them) advance
 * the tracked revision while no event arrives, and are passed on as {@code onProgress}.
 * etcd sends these through the watcher's own event channel, only once the watcher is in
 * sync, so they never overtake an event. Client-requested progress (RequestProgress) is
 * deliberately not used: etcd before 3.4.24 / 3.5.8 answers it with the store's current
 * revision while events may still be queued for the watcher (etcd-io/etcd#15220), and
 * trusting that revision would skip those events. How often idle watchers move on is
 * therefore etcd's {@code --experimental-watch-progress-notify-interval} (default 10m;
 * kubelite's launchers and test harness set 5s and 2s, as Kubernetes recommends a few
 * seconds).
 *
 * <p>Threads: the watch owns one thread; every listener call happens on it, in order.
 * {@link #close()} is idempotent and stops the thread.
 */
public final class ResourceWatch<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceWatch.class);

    private final Etcd etcd;
    private final Resource<T> resource;
    private final String prefix;
    private final WatchListener<T> listener;
    private final ScheduledExecutorService executor;
    private final KnownValues<T> known;

    // All fields below are touched only on the executor thread.
    private long lastRevision;
    private long generation;
    private Watch.Watcher watcher;
    private final Backoff backoff = Backoff.of(ExponentialBackoff.LIST_RETRY);
    private boolean failing;
    private volatile boolean closed;
    private volatile int interruptions;

    public ResourceWatch(Etcd etcd, Resource<T> resource, String prefix, long fromRevision, WatchListener<T> listener) {
        this.etcd = etcd;
        this.resource = resource;
        this.prefix = prefix;
        this.listener = listener;
        this.known = listener.knownValues();
        this.lastRevision = Math.max(0, fromRevision - 1);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "watch" + prefix.replace('/', '-'));
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
    }

    /** Opens the etcd watch. Called once by the store. */
    public void start() {
        executor.execute(this::connect);
    }

    /** The last revision this watch has delivered or been told is complete. */
    public long lastRevision() {
        return lastRevision;
    }

    private void connect() {
        if (closed) {
            return;
        }
        long gen = ++generation;
        WatchOption option = WatchOption.builder()
                .withRange(bs(Keys.rangeEnd(prefix)))
                .withRevision(lastRevision + 1)
                .withPrevKV(listener.wantsPrevious())
                .withProgressNotify(true)
                .withRequireLeader(true)
                .build();
        try {
            watcher = etcd.client()
                    .getWatchClient()
                    .watch(
                            bs(prefix),
                            option,
                            Watch.listener(
                                    resp -> submit(() -> onResponse(gen, resp)),
                                    err -> submit(() -> onFailure(gen, err)),
                                    () -> submit(() -> onFailure(gen, null))));
        } catch (RuntimeException e) {
            onFailure(gen, e);
        }
    }

    private void submit(Runnable r) {
        if (!closed) {
            try {
                executor.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    private void onResponse(long gen, WatchResponse resp) {
        if (gen != generation || closed) {
            return;
        }
        if (failing) {
            LOG.info("watch {} resumed at revision {}", prefix, lastRevision + 1);
            failing = false;
        }
        backoff.reset();
        if (resp.getEvents().isEmpty()) {
            // A created-notify's header revision says nothing about history still to come.
            if (resp.isProgressNotify() && !resp.isCreatedNotify()) {
                advance(resp.getHeader().getRevision());
            }
            return;
        }
        long floor = lastRevision;
        long max = floor;
        for (io.etcd.jetcd.watch.WatchEvent e : resp.getEvents()) {
            KeyValue kv = e.getKeyValue();
            long rev = kv.getModRevision();
            if (rev <= floor) {
                continue; // already delivered before a reconnect
            }
            max = Math.max(max, rev);
            deliver(e, kv, rev);
        }
        lastRevision = max;
        if (known != null) {
            known.passed(max);
        }
    }

    private void deliver(io.etcd.jetcd.watch.WatchEvent e, KeyValue kv, long rev) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        KeyValue prevKv = e.getPrevKV();
        boolean deleted = e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE;
        boolean hasPrev = prevKv != null && !prevKv.getKey().isEmpty();
        try {
            T prev = hasPrev ? decode(key, prevKv) : null;
            WatchEvent<T> out;
            T mine = known == null ? null : known.take(key, rev);
            if (deleted) {
                out = new WatchEvent<>(WatchEvent.Type.DELETED, key, prev, prev, rev);
            } else {
                // a value this process wrote itself: the object it encoded, not a decode of etcd's copy
                T obj = mine != null ? mine : decode(key, kv);
                // version 1 means this put created the key (also after a delete and re-create)
                WatchEvent.Type type = kv.getVersion() == 1 ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
                out = new WatchEvent<>(type, key, obj, prev, rev);
            }
            listener.onEvent(out);
        } catch (CorruptException ce) {
            listener.onCorrupt(ce);
        } catch (RuntimeException ex) {
            LOG.error("watch listener for {} failed on {} at revision {}: {}", prefix, key, rev, ex.toString(), ex);
        }
    }

    private T decode(String key, KeyValue kv) {
        return StoredObjects.decode(etcd, resource, key, kv);
    }

    private void advance(long rev) {
        if (rev > lastRevision) {
            lastRevision = rev;
            if (known != null) {
                known.passed(rev);
            }
            try {
                listener.onProgress(rev);
            } catch (RuntimeException ex) {
                LOG.error("watch listener for {} failed on progress: {}", prefix, ex.toString(), ex);
            }
        }
    }

    private void onFailure(long gen, Throwable err) {
        if (gen != generation || closed) {
            return;
        }
        closeWatcher();
        generation++; // ignore anything the dead watcher still sends
        StoreException se = err == null ? null : Etcd.translate(prefix, err);
        if (se instanceof ExpiredException || isCompacted(err)) {
            LOG.info("watch {} expired: revision {} was compacted", prefix, lastRevision + 1);
            closed = true;
            executor.shutdown();
            listener.onExpired(
                    se instanceof ExpiredException ee
                            ? ee
                            : new ExpiredException(
                                    prefix,
                                    "revision " + (lastRevision + 1) + " of " + prefix + " has been compacted"));
            return;
        }
        interruptions++;
        if (!failing) {
            LOG.warn(
                    "watch {} interrupted at revision {} ({}); resuming",
                    prefix,
                    lastRevision,
                    err == null ? "stream closed" : se.getMessage());
            failing = true;
        }
        long delay = backoff.nextMillis();
        executor.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private static boolean isCompacted(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof io.etcd.jetcd.common.exception.CompactedException) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("compacted")) {
                return true;
            }
        }
        return false;
    }

    private void closeWatcher() {
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("closing watcher on {}: {}", prefix, e.toString());
            }
        }
    }

    /** How many times the underlying etcd watch broke and was resumed. */
    public int interruptions() {
        return interruptions;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            executor.execute(this::closeWatcher);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // already shut down
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
