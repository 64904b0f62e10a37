package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A watch on a collection or one object, served from the resource's watch cache as a
 * chunked HTTP stream or, when the client asks for an upgrade, over a WebSocket (both
 * through {@link WatchStream}); each event's object is a Table when the Accept header asks
 * for one ({@link OutputMediaType}). Without a resourceVersion the watch first waits until the
 * cache holds everything etcd had acknowledged (see {@link FreshCache}). A resource without a
 * cache (Events) is watched straight from etcd, one etcd watch per request ({@link UncachedWatch}). Each watch holds a
 * place in its user's {@link WatchQuota} from the moment it is accepted until it ends, however
 * it ends.
 */
final class WatchHandler<T extends Message> {
    private static final int WRITE_QUEUE_BYTES = 16 * 1024 * 1024;

    private final RequestScope<T> s;
    private final Request r;
    private final WatchCache<T> cache;

    WatchHandler(RequestScope<T> s) {
        this.s = s;
        this.r = s.request();
        this.cache = s.cached() ? s.cache() : null;
    }

    void serve() {
        String name = s.name();
        OutputMediaType format = OutputMediaType.of(r);
        WatchStream.Selection<T> filter = selection(name);
        String rv = r.param("resourceVersion");
        long from = rv == null || rv.isEmpty() || rv.equals("0") ? -1 : QueryOptions.parseRv(rv);
        boolean bookmarks =
                "true".equalsIgnoreCase(r.param("allowWatchBookmarks")) || "1".equals(r.param("allowWatchBookmarks"));
        long timeout = timeoutMillis();
        // taken once no bad parameter can refuse the watch, before any work for it starts; every
        // way the watch ends gives it back
        WatchQuota.Slot slot = s.ctx().watchQuota().acquire(user());
        try {
            // unset resourceVersion: "start at most recent", which must include every write etcd had
            // acknowledged when the request came in (kube's consistent read from cache)
            // a resource without a cache (Events): its own etcd watch, as kube's etcd3 watcher
            CompletableFuture<UncachedWatch<T>> direct = cache == null
                    ? UncachedWatch.open(
                            s.store(),
                            s.listNamespace(),
                            from,
                            s.ctx().config().bookmarkInterval().toMillis())
                    : null;
            CompletableFuture<Void> ready;
            if (direct != null) {
                ready = direct.thenApply(w -> null);
            } else if (rv == null || rv.isEmpty()) {
                ready = FreshCache.await(cache, s.store(), s.ctx().vertx());
            } else {
                ready = cache.synced();
            }
            serve(name, format, filter, from, bookmarks, timeout, ready, direct, slot);
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    private String user() {
        return r.user() == null ? "system:anonymous" : r.user().name();
    }

    private void serve(
            String name,
            OutputMediaType format,
            WatchStream.Selection<T> filter,
            long from,
            boolean bookmarks,
            long timeout,
            CompletableFuture<Void> ready,
            CompletableFuture<UncachedWatch<T>> direct,
            WatchQuota.Slot slot) {
        HttpServerRequest req = r.http();
        if (req.canUpgradeToWebSocket()) {
            // fabric8 (and client-go's websocket mode) watch over a WebSocket: one event per text message
            req.toWebSocket()
                    .onComplete(ar -> r.onContext(() -> {
                        if (ar.failed()) {
                            slot.release();
                            r.fail(ApiException.badRequest(
                                    "websocket upgrade failed: " + ar.cause().getMessage()));
                            return;
                        }
                        ServerWebSocket ws = ar.result();
                        ws.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
                        ws.handler(b -> {});
                        // upgraded already: a failure can no longer be an HTTP status, so it closes the socket
                        ready.whenComplete((v, err) -> r.onContext(() -> {
                            if (err != null) {
                                slot.release();
                                ApiException e = ApiException.from(err, s.resource(), name);
                                ws.close((short) 1011, e.getMessage());
                            } else {
                                start(
                                        WatchStream.webSocket(ws),
                                        from,
                                        filter,
                                        encoding(format),
                                        bookmarks,
                                        timeout,
                                        ws::closeHandler,
                                        direct,
                                        slot);
                            }
                        }));
                    }));
            return;
        }
        // a cache that never becomes fresh fails the request (s.then answers the error)
        ready.whenComplete((v, err) -> {
            if (err != null) {
                slot.release();
            }
        });
        s.then(ready, name, v -> {
            try {
                HttpServerResponse resp = req.response();
                resp.setChunked(true)
                        .setStatusCode(200)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Transfer-Encoding", "chunked");
                resp.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
                resp.write(Buffer.buffer());
                start(
                        WatchStream.http(resp),
                        from,
                        filter,
                        encoding(format),
                        bookmarks,
                        timeout,
                        resp::closeHandler,
                        direct,
                        slot);
            } catch (RuntimeException e) {
                slot.release();
                throw e;
            }
        });
    }

    /**
     * The shared JSON events; this watcher's own Table events; or, for a view of another
     * group-version (rarely watched: {@code events.k8s.io}), this watcher's own conversion.
     */
    private WatchStream.Encoding<T> encoding(OutputMediaType format) {
        if (format.table()) {
            return new TableWatchEncoding<>(s.resource(), format);
        }
        Representation<T> rep = s.representation();
        if (!rep.identity()) {
            return (c, t) -> EncodedEvent.of(Codec.eventLine(t.name(), rep.typed(c.object())));
        }
        return WatchStream.Encoding.shared();
    }

    /** {@code timeoutSeconds}, or kube's random 30 to 60 minutes so that watchers do not all re-list at once. */
    private long timeoutMillis() {
        String ts = r.param("timeoutSeconds");
        if (ts != null && !ts.isEmpty()) {
            try {
                return Long.parseLong(ts) * 1000;
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid timeoutSeconds \"" + ts + "\"");
            }
        }
        return (1800 + ThreadLocalRandom.current().nextInt(1800)) * 1000L;
    }

    /** A watch's selection: namespace, name (a single-object watch), label and field selectors. */
    private WatchStream.Selection<T> selection(String name) {
        String ls = r.param("labelSelector");
        String fs = r.param("fieldSelector");
        Predicate<ObjectMeta> labels = Selectors.labels(ls);
        Predicate<T> fields = Selectors.fields(s.resource(), fs);
        boolean anyLabels = ls != null && !ls.isBlank();
        boolean anyFields = fs != null && !fs.isBlank();
        String ns = s.listNamespace();
        if (ns == null && name == null && !anyLabels && !anyFields) {
            return WatchStream.Selection.everything();
        }
        return (o, m) -> (ns == null || ns.equals(m.getNamespace()))
                && (name == null || name.equals(m.getName()))
                && (!anyLabels || labels.test(m))
                && (!anyFields || fields.test(o));
    }

    private void start(
            WatchStream.Output out,
            long from,
            WatchStream.Selection<T> filter,
            WatchStream.Encoding<T> encoding,
            boolean bookmarks,
            long timeout,
            Consumer<Handler<Void>> onClose,
            CompletableFuture<UncachedWatch<T>> direct,
            WatchQuota.Slot slot) {
        if (out.closed()) {
            slot.release();
            return; // the client left while the watch waited for a fresh cache
        }
        var vertx = s.ctx().vertx();
        Runnable[] cancel = {() -> {}};
        long[] timer = {-1};
        UncachedWatch<T> etcdWatch = direct == null ? null : direct.join(); // done: it was the watch's ready
        // a watcher may fall behind by one full history (plus its initial events) before it is dropped
        int maxPending =
                s.ctx().config().watchCacheSize() + (etcdWatch == null ? cache.size() : etcdWatch.initialEvents());
        WatchStream<T> stream = new WatchStream<>(
                s.representation(),
                s.ctx().loopBatch(r.context()),
                out,
                filter,
                encoding,
                bookmarks,
                maxPending,
                () -> {
                    // the stream's one end: client gone, timeout, too slow, expired, or an error
                    slot.release();
                    cancel[0].run();
                    if (timer[0] >= 0) {
                        vertx.cancelTimer(timer[0]);
                    }
                });
        try {
            // close handling first: if it throws (a socket closed meanwhile), no sink is left registered
            onClose.accept(x -> stream.end());
            if (timeout > 0) {
                timer[0] = vertx.setTimer(timeout, x -> stream.end());
            }
            if (etcdWatch == null) {
                cancel[0] = cache.watch(from, stream);
            } else {
                // encoding the initial events and closing the etcd watch (it joins its thread) block:
                // both on a worker, never on the event loop
                cancel[0] = () -> vertx.executeBlocking(() -> {
                    etcdWatch.close();
                    return null;
                });
                vertx.executeBlocking(() -> {
                    etcdWatch.start(stream);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }
}
