package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectList;
import io.kubelite.store.StoreException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * GET of a collection: from the watch cache (sorted by namespace/name) when the
 * resourceVersion allows it or the list is a consistent one without pages (kube's
 * ConsistentListFromCache), else from etcd with {@code limit}/{@code continue} and
 * {@code resourceVersionMatch=Exact}. Answers a {@code <Kind>List} (JSON, or Kubernetes' protobuf
 * when asked for and the kind has it), or a Table when the Accept header asks for one
 * ({@link OutputMediaType}). Large lists are encoded on worker threads,
 * never on the event loop.
 */
final class ListHandler<T extends Message> {
    private static final int BLOCKING_ENCODE_THRESHOLD = 500;

    private final RequestScope<T> s;
    private final Request r;
    private OutputMediaType format = OutputMediaType.JSON;

    ListHandler(RequestScope<T> s) {
        this.s = s;
        this.r = s.request();
    }

    void serve() {
        format = OutputMediaType.of(r);
        Predicate<T> filter = s.filter();
        if (!s.cached()) {
            fromEtcd(filter); // kube lists an uncached resource (Events) from etcd whatever its resourceVersion
        } else if (QueryOptions.fromCache(r, s.cache().revision())) {
            fromCache(filter, s.cache().synced().thenApply(v -> 0L));
        } else if (consistentFromCache()) {
            fromCache(
                    filter,
                    FreshCache.awaitRevision(s.cache(), s.store(), s.ctx().vertx()));
        } else {
            fromEtcd(filter);
        }
    }

    /**
     * kube-apiserver's ConsistentListFromCache (on by default since 1.31): a list without
     * resourceVersion, limit or continue is served from the cache once it holds everything etcd
     * had acknowledged when the request came in; pages stay with etcd, whose continue tokens
     * they carry.
     */
    private boolean consistentFromCache() {
        return empty(r.param("resourceVersion"))
                && empty(r.param("resourceVersionMatch"))
                && empty(r.param("continue"))
                && (empty(r.param("limit")) || "0".equals(r.param("limit")));
    }

    private static boolean empty(String v) {
        return v == null || v.isEmpty();
    }

    /** Lists the cache once {@code ready} gives the least revision the answer may carry (0: any). */
    private void fromCache(Predicate<T> filter, CompletableFuture<Long> ready) {
        // without selectors the namespace's snapshot is the answer: no per-object test
        boolean all = empty(r.param("labelSelector")) && empty(r.param("fieldSelector"));
        WatchCache<T> cache = s.cache();
        s.then(ready, null, atLeast -> {
            // sorted by namespace and name, as etcd's range is
            WatchCache.Snapshot<T> snap = cache.snapshot(s.listNamespace());
            long revision = Math.max(snap.revision(), atLeast);
            List<WatchCache.Entry<T>> entries =
                    all ? snap.entries() : new ArrayList<>(snap.entries().size());
            if (!all) {
                for (WatchCache.Entry<T> e : snap.entries()) {
                    if (filter.test(e.object())) {
                        entries.add(e);
                    }
                }
            }
            encode(
                    () -> {
                        if (format.table()) {
                            return Unpooled.wrappedBuffer(table(
                                    entries.stream()
                                            .map(WatchCache.Entry::object)
                                            .toList(),
                                    revision,
                                    ""));
                        }
                        List<byte[]> items = new ArrayList<>(entries.size());
                        if (protobuf()) {
                            for (WatchCache.Entry<T> e : entries) {
                                items.add(s.representation().protobufItem(e.object(), e));
                            }
                            return KubeProtobufEncoder.list(s.served(), revision, "", items, Bodies.DIRECT);
                        }
                        for (WatchCache.Entry<T> e : entries) {
                            items.add(s.representation().item(e.object(), e.json()));
                        }
                        return Codec.list(s.served(), revision, "", items, Bodies.DIRECT);
                    },
                    entries.size());
        });
    }

    private void fromEtcd(Predicate<T> filter) {
        String rv = r.param("resourceVersion");
        int limit = 0;
        String l = r.param("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Math.max(0, Integer.parseInt(l));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid limit \"" + l + "\"");
            }
        }
        long revision = rv != null && !rv.isEmpty() && "Exact".equals(r.param("resourceVersionMatch"))
                ? QueryOptions.parseRv(rv)
                : 0;
        String cont = r.param("continue");
        ListOptions<T> opts = new ListOptions<>(s.listNamespace(), filter, revision, limit, cont == null ? "" : cont);
        CompletableFuture<ObjectList<T>> f;
        try {
            f = s.store().list(opts);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid continue token: " + e.getMessage());
        }
        s.then(
                f.exceptionally(err -> {
                    StoreException se = StoreException.unwrap(err);
                    if (se == null
                            && (err instanceof IllegalArgumentException
                                    || err.getCause() instanceof IllegalArgumentException)) {
                        throw ApiException.badRequest("invalid continue token");
                    }
                    if (se instanceof ExpiredException && cont != null && !cont.isEmpty()) {
                        throw ApiException.of(
                                410,
                                "Expired",
                                "The provided continue parameter is too old to display a "
                                        + "consistent list result. You can start a new list without the continue parameter.");
                    }
                    throw err instanceof RuntimeException re ? re : new CompletionException(err);
                }),
                null,
                list -> encode(
                        () -> {
                            if (format.table()) {
                                return Unpooled.wrappedBuffer(
                                        table(list.items(), list.revision(), list.continueToken()));
                            }
                            List<byte[]> items = new ArrayList<>(list.items().size());
                            if (protobuf()) {
                                for (T o : list.items()) {
                                    items.add(s.representation().protobufItem(o, null));
                                }
                                return KubeProtobufEncoder.list(
                                        s.served(), list.revision(), list.continueToken(), items, Bodies.DIRECT);
                            }
                            for (T o : list.items()) {
                                items.add(s.representation().item(o));
                            }
                            return Codec.list(s.served(), list.revision(), list.continueToken(), items, Bodies.DIRECT);
                        },
                        list.items().size()));
    }

    /** Whether the answer is Kubernetes' protobuf: asked for, and the kind has that form. */
    private boolean protobuf() {
        return format.protobuf() && s.representation().protobuf();
    }

    /** The list as a Table (kubectl's {@code get}), with the same resourceVersion and continue token. */
    private byte[] table(List<T> objects, long revision, String continueToken) {
        return new TableConvertor<>(s.resource(), format, Instant.now()).list(objects, revision, continueToken);
    }

    private String contentType() {
        return protobuf() ? KubeProtobuf.MEDIA_TYPE : "application/json";
    }

    /**
     * Sends the body {@code encode} writes (a buffer this handler then owns: {@link Request#bytes(int,
     * ByteBuf, String)} releases it once written); a large one is written on a worker thread.
     */
    private void encode(Callable<ByteBuf> encode, int size) {
        if (size < BLOCKING_ENCODE_THRESHOLD) {
            try {
                r.bytes(200, encode.call(), contentType());
            } catch (Exception e) {
                r.fail(ApiException.from(e, s.resource(), null));
            }
            return;
        }
        s.ctx()
                .vertx()
                .executeBlocking(encode, false)
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        r.fail(ApiException.from(ar.cause(), s.resource(), null));
                    } else {
                        r.bytes(200, ar.result(), contentType());
                    }
                }));
    }
}
