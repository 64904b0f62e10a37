package io.kubelite.apiserver;

import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ApiJsonException;
import io.kubelite.api.Binding;
import io.kubelite.api.Namespace;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Parsed;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.TypeMeta;
import io.kubelite.store.Etcd;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectList;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.kinds.Resource;
import io.kubelite.store.StoreException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Serves one request on one resource: get, list, watch, create, update, patch,
 * delete, deletecollection, and the status, binding and log subresources.
 */
final class ResourceHandler<T extends Message> {
    private static final int BLOCKING_ENCODE_THRESHOLD = 500;
    /** kube's metav1.FinalizerDeleteDependents; the controller-manager's GarbageCollector removes it. */
    private static final String FOREGROUND_FINALIZER = "foregroundDeletion";
    /** How long a watch without resourceVersion waits for the cache to reach etcd's revision. */
    static final long FRESH_WAIT_MILLIS = 3_000;

    private final ApiServer server;
    private final ApiServer.Request r;
    private final HttpServerRequest req;
    private final PathInfo info;
    private final Resource<T> resource;
    private final Kind<T> kind;
    private final ObjectStore<T> store;
    private final WatchCache<T> cache;

    @SuppressWarnings("unchecked")
    ResourceHandler(ApiServer server, ApiServer.Request r, PathInfo info) {
        this.server = server;
        this.r = r;
        this.req = r.req;
        this.info = info;
        this.resource = (Resource<T>) info.resource();
        this.kind = Kinds.of(resource);
        this.store = server.store().of(resource);
        this.cache = server.cache(resource);
    }

    void serve() {
        String sub = info.subresource();
        String name = info.name();
        HttpMethod m = req.method();
        String verb = verb(m, name, sub);
        String denied = Auth.deny(r.user, verb, resource, sub, resource.namespaced() ? info.namespace() : null, name);
        if (denied != null) {
            r.fail(new ApiException(403, "Forbidden", denied, name, resource.group(), resource.plural(), List.of(), null));
            return;
        }
        if (resource.namespaced() && name != null && info.namespace() == null) {
            throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
        }
        if (sub != null && !allowedSub(sub)) {
            throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
        }
        switch (verb) {
            case "get" -> {
                if ("log".equals(sub)) {
                    new LogProxy(server, r).serve(info.namespace(), name);
                } else if ("scale".equals(sub)) {
                    then(store.get(info.namespace(), name), name, o -> r.json(200, ScaleSubresource.of((ReplicaSet) o)));
                } else {
                    get(name);
                }
            }
            case "list" -> list();
            case "watch" -> watch(name);
            case "create" -> withBody(body -> {
                if ("binding".equals(sub)) {
                    binding(name, body);
                } else {
                    create(body);
                }
            });
            case "update" -> withBody(body -> {
                if ("scale".equals(sub)) {
                    scale(name, Codec.MAPPER.nullNode(), body);
                } else {
                    update(name, sub, body);
                }
            });
            case "patch" -> withBody(body -> {
                if ("scale".equals(sub)) {
                    scale(name, patchType(), body);
                } else {
                    patch(name, sub, body);
                }
            });
            case "delete" -> withBody(body -> delete(name, body));
            case "deletecollection" -> withBody(this::deleteCollection);
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private boolean allowedSub(String sub) {
        return kind.hasSubresource(sub);
    }

    private String verb(HttpMethod m, String name, String sub) {
        if (m == HttpMethod.GET) {
            if (info.legacyWatch() || ApiServer.isWatch(req)) {
                return "watch";
            }
            return name == null ? "list" : "get";
        }
        if (m == HttpMethod.POST) {
            if (name != null && !"binding".equals(sub)) {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            if (name == null && resource.namespaced() && info.namespace() == null) {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            return "create";
        }
        if (m == HttpMethod.PUT && name != null) {
            return "update";
        }
        if (m == HttpMethod.PATCH && name != null) {
            return "patch";
        }
        if (m == HttpMethod.DELETE) {
            return name == null ? "deletecollection" : "delete";
        }
        throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }

    // ------------------------------------------------------------------ body

    private void withBody(Consumer<String> fn) {
        int limit = server.configBodyLimit();
        String cl = req.getHeader("Content-Length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.trim()) > limit) {
                    r.fail(ApiException.of(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limit));
                    return;
                }
            } catch (NumberFormatException e) {
                r.fail(ApiException.badRequest("invalid Content-Length"));
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] failed = {false};
        req.handler(b -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + b.length() > limit) {
                failed[0] = true;
                r.fail(ApiException.of(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limit));
                return;
            }
            body.appendBuffer(b);
        });
        req.endHandler(v -> {
            if (!failed[0]) {
                r.onContext(() -> fn.accept(body.toString(StandardCharsets.UTF_8)));
            }
        });
        req.exceptionHandler(e -> failed[0] = true);
    }

    /** Decodes a body as this resource's type, checking apiVersion and kind against the path. */
    private T decode(String text, String name) {
        return decode(text, resource.prototype(), resource.kind(), resource.apiVersion());
    }

    private <M extends Message> M decode(String text, M prototype, String kind, String apiVersion) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        JsonNode doc;
        try {
            List<JsonNode> docs = ApiJson.documents(text);
            if (docs.size() != 1) {
                throw ApiException.badRequest("expected exactly one object in the request body, found " + docs.size());
            }
            doc = docs.get(0);
        } catch (ApiJsonException e) {
            throw ApiException.badRequest("error decoding the request body: " + e.getMessage());
        }
        return decodeTree(doc, prototype, kind, apiVersion);
    }

    private <M extends Message> M decodeTree(JsonNode doc, M prototype, String kind, String apiVersion) {
        TypeMeta tm;
        try {
            tm = TypeMeta.of(doc);
        } catch (ApiJsonException e) {
            throw ApiException.badRequest("error decoding the request body: " + e.getMessage());
        }
        if (!tm.apiVersion().isEmpty() && !tm.apiVersion().equals(apiVersion)) {
            throw ApiException.badRequest("the API version in the data (" + tm.apiVersion()
                    + ") does not match the expected API version (" + apiVersion + ")");
        }
        if (!tm.kind().isEmpty() && !tm.kind().equals(kind)) {
            throw ApiException.badRequest("the kind in the data (" + tm.kind() + ") does not match the expected kind ("
                    + kind + ")");
        }
        try {
            Parsed<M> p = ApiJson.parse(doc, prototype);
            r.warnings.addAll(p.warnings());
            return p.message();
        } catch (ApiJsonException e) {
            throw ApiException.badRequest(kind + " in version \"" + apiVersion.substring(apiVersion.indexOf('/') + 1)
                    + "\" cannot be handled as a " + kind + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ async plumbing

    /** Completes {@code f} on the request's context: success to {@code ok}, failure to a Status. */
    private <V> void then(CompletableFuture<V> f, String name, Consumer<V> ok) {
        f.whenComplete((v, err) -> r.onContext(() -> {
            if (err != null) {
                r.fail(ApiException.from(err, resource, name));
            } else {
                ok.accept(v);
            }
        }));
    }

    private void sendObject(int code, T obj) {
        r.bytes(code, Codec.typed(resource, obj));
    }

    // ------------------------------------------------------------------ reads

    private boolean fromCache(String rv) {
        if (rv == null || rv.isEmpty()) {
            return false;
        }
        if (rv.equals("0")) {
            return true;
        }
        String match = req.getParam("resourceVersionMatch");
        if ("Exact".equals(match)) {
            return false;
        }
        return parseRv(rv) <= cache.revision();
    }

    private static long parseRv(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version \"" + rv + "\"");
        }
    }

    private void get(String name) {
        String rv = req.getParam("resourceVersion");
        if (fromCache(rv) && cache.hasSynced()) {
            WatchCache.Entry<T> e = cache.get(info.namespace(), name);
            if (e == null) {
                r.fail(ApiException.notFound(resource, name));
            } else {
                r.bytes(200, Codec.typedFromItem(resource, e.json()));
            }
            return;
        }
        then(store.get(info.namespace(), name), name, o -> sendObject(200, o));
    }

    private Predicate<T> filter() {
        Predicate<ObjectMeta> labels = Selectors.labels(req.getParam("labelSelector"));
        Predicate<T> fields = Selectors.fields(resource, req.getParam("fieldSelector"));
        String ns = resource.namespaced() ? info.namespace() : null;
        return o -> {
            ObjectMeta m = resource.meta(o);
            return (ns == null || ns.equals(m.getNamespace())) && labels.test(m) && fields.test(o);
        };
    }

    /** A watch's selection: namespace, name (a single-object watch), label and field selectors. */
    private WatchStream.Selection<T> selection(String name) {
        String ls = req.getParam("labelSelector");
        String fs = req.getParam("fieldSelector");
        Predicate<ObjectMeta> labels = Selectors.labels(ls);
        Predicate<T> fields = Selectors.fields(resource, fs);
        boolean anyLabels = ls != null && !ls.isBlank();
        boolean anyFields = fs != null && !fs.isBlank();
        String ns = resource.namespaced() ? info.namespace() : null;
        if (ns == null && name == null && !anyLabels && !anyFields) {
            return WatchStream.Selection.everything();
        }
        return (o, m) -> (ns == null || ns.equals(m.getNamespace())) && (name == null || name.equals(m.getName()))
                && (!anyLabels || labels.test(m)) && (!anyFields || fields.test(o));
    }

    private void list() {
        Predicate<T> filter = filter();
        String rv = req.getParam("resourceVersion");
        String ns = resource.namespaced() ? info.namespace() : null;
        if (fromCache(rv)) {
            then(cache.synced(), null, v -> {
                WatchCache.Snapshot<T> snap = cache.snapshot(ns);
                List<WatchCache.Entry<T>> entries = new ArrayList<>(snap.entries().size());
                for (WatchCache.Entry<T> e : snap.entries()) {
                    if (filter.test(e.object())) {
                        entries.add(e);
                    }
                }
                encodeList(() -> {
                    entries.sort(Comparator.comparing(e -> sortKey(e.object())));
                    List<byte[]> items = new ArrayList<>(entries.size());
                    for (WatchCache.Entry<T> e : entries) {
                        items.add(e.json());
                    }
                    return Codec.list(resource, snap.revision(), "", items);
                }, entries.size());
            });
            return;
        }
        int limit = 0;
        String l = req.getParam("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Math.max(0, Integer.parseInt(l));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid limit \"" + l + "\"");
            }
        }
        long revision = rv != null && !rv.isEmpty() && "Exact".equals(req.getParam("resourceVersionMatch"))
                ? parseRv(rv) : 0;
        String cont = req.getParam("continue");
        ListOptions<T> opts = new ListOptions<>(ns, filter, revision, limit, cont == null ? "" : cont);
        CompletableFuture<ObjectList<T>> f;
        try {
            f = store.list(opts);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid continue token: " + e.getMessage());
        }
        then(f.exceptionally(err -> {
            StoreException se = StoreException.unwrap(err);
            if (se == null && (err instanceof IllegalArgumentException
                    || err.getCause() instanceof IllegalArgumentException)) {
                throw ApiException.badRequest("invalid continue token");
            }
            if (se instanceof io.kubelite.store.ExpiredException && cont != null && !cont.isEmpty()) {
                throw ApiException.of(410, "Expired", "The provided continue parameter is too old to display a "
                        + "consistent list result. You can start a new list without the continue parameter.");
            }
            throw err instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(err);
        }), null, list -> encodeList(() -> {
            List<byte[]> items = new ArrayList<>(list.items().size());
            for (T o : list.items()) {
                items.add(Codec.item(o));
            }
            return Codec.list(resource, list.revision(), list.continueToken(), items);
        }, list.items().size()));
    }

    private String sortKey(T o) {
        ObjectMeta m = resource.meta(o);
        return m.getNamespace() + "/" + m.getName();
    }

    private void encodeList(java.util.concurrent.Callable<byte[]> encode, int size) {
        if (size < BLOCKING_ENCODE_THRESHOLD) {
            try {
                r.bytes(200, encode.call());
            } catch (Exception e) {
                r.fail(ApiException.from(e, resource, null));
            }
            return;
        }
        server.vertx().executeBlocking(encode, false).onComplete(ar -> r.onContext(() -> {
            if (ar.failed()) {
                r.fail(ApiException.from(ar.cause(), resource, null));
            } else {
                r.bytes(200, ar.result());
            }
        }));
    }

    private void watch(String name) {
        WatchStream.Selection<T> filter = selection(name);
        String rv = req.getParam("resourceVersion");
        long from = rv == null || rv.isEmpty() || rv.equals("0") ? -1 : parseRv(rv);
        boolean bookmarks = "true".equalsIgnoreCase(req.getParam("allowWatchBookmarks"))
                || "1".equals(req.getParam("allowWatchBookmarks"));
        long timeout;
        String ts = req.getParam("timeoutSeconds");
        if (ts != null && !ts.isEmpty()) {
            try {
                timeout = Long.parseLong(ts) * 1000;
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid timeoutSeconds \"" + ts + "\"");
            }
        } else {
            timeout = (1800 + ThreadLocalRandom.current().nextInt(1800)) * 1000L;
        }
        // unset resourceVersion: "start at most recent", which must include every write etcd had
        // acknowledged when the request came in (kube's consistent read from cache)
        CompletableFuture<Void> ready = rv == null || rv.isEmpty() ? freshCache() : cache.synced();
        if (req.canUpgradeToWebSocket()) {
            // fabric8 (and client-go's websocket mode) watch over a WebSocket: one event per text message
            req.toWebSocket().onComplete(ar -> r.onContext(() -> {
                if (ar.failed()) {
                    r.fail(ApiException.badRequest("websocket upgrade failed: " + ar.cause().getMessage()));
                    return;
                }
                ServerWebSocket ws = ar.result();
                ws.setWriteQueueMaxSize(16 * 1024 * 1024);
                ws.handler(b -> { });
                // upgraded already: a failure can no longer be an HTTP status, so it closes the socket
                ready.whenComplete((v, err) -> r.onContext(() -> {
                    if (err != null) {
                        ApiException e = ApiException.from(err, resource, name);
                        ws.close((short) 1011, e.getMessage());
                    } else {
                        startWatch(WatchStream.webSocket(ws), from, filter, bookmarks, timeout, ws::closeHandler);
                    }
                }));
            }));
            return;
        }
        then(ready, name, v -> {
            HttpServerResponse resp = req.response();
            resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json")
                    .putHeader("Transfer-Encoding", "chunked");
            resp.setWriteQueueMaxSize(16 * 1024 * 1024);
            resp.write(Buffer.buffer());
            startWatch(WatchStream.http(resp), from, filter, bookmarks, timeout, resp::closeHandler);
        });
    }

    /**
     * Completes when the watch cache holds at least what etcd held now (a quorum read of the
     * resource's prefix: one key, keys only), or fails with kube-apiserver's 504 Timeout
     * ("Too large resource version", retry after 1 s) when the cache does not get there within
     * {@link #FRESH_WAIT_MILLIS}.
     */
    private CompletableFuture<Void> freshCache() {
        String prefix = store.keys().resourcePrefix(resource);
        GetOption opt = GetOption.builder().withRange(Etcd.bytes(io.kubelite.store.Keys.rangeEnd(prefix)))
                .withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(1).withKeysOnly(true).build();
        return cache.synced()
                .thenCompose(v -> store.etcd().call(prefix, () -> store.etcd().client().getKVClient()
                        .get(Etcd.bytes(prefix), opt)))
                .thenCompose(resp -> {
                    EtcdState state = new EtcdState(resp.getHeader().getRevision(),
                            resp.getKvs().isEmpty() ? 0 : resp.getKvs().get(0).getModRevision(), resp.getCount());
                    CompletableFuture<Void> fresh = cache.awaitFresh(state);
                    if (fresh.isDone()) {
                        return fresh;
                    }
                    long timer = server.vertx().setTimer(FRESH_WAIT_MILLIS, t -> fresh.completeExceptionally(
                            new ApiException(504, "Timeout", "Too large resource version: " + state.revision()
                                    + ", current: " + cache.revision(), null, null, null, List.of(), 1)));
                    fresh.whenComplete((x, err) -> server.vertx().cancelTimer(timer));
                    return fresh;
                });
    }

    private void startWatch(WatchStream.Output out, long from, WatchStream.Selection<T> filter, boolean bookmarks, long timeout,
                            Consumer<io.vertx.core.Handler<Void>> onClose) {
        Runnable[] cancel = {() -> { }};
        long[] timer = {-1};
        // a watcher may fall behind by one full history (plus its initial events) before it is dropped
        int maxPending = server.config().watchCacheSize() + cache.size();
        if (out.closed()) {
            return; // the client left while the watch waited for a fresh cache
        }
        WatchStream<T> stream = new WatchStream<>(resource, server.loopBatch(r.context), out, filter, bookmarks,
                maxPending, () -> {
            cancel[0].run();
            if (timer[0] >= 0) {
                server.vertx().cancelTimer(timer[0]);
            }
        });
        // close handling first: if it throws (a socket closed meanwhile), no sink is left registered
        onClose.accept(x -> stream.end());
        if (timeout > 0) {
            timer[0] = server.vertx().setTimer(timeout, x -> stream.end());
        }
        cancel[0] = cache.watch(from, stream);
    }

    // ------------------------------------------------------------------ writes

    private boolean dryRun() {
        String d = req.getParam("dryRun");
        if (d == null || d.isEmpty()) {
            return false;
        }
        if (!d.equals("All")) {
            throw ApiException.badRequest("Invalid dry run value: \"" + d + "\"; supported values: All");
        }
        return true;
    }

    private void create(String body) {
        T obj = decode(body, null);
        ObjectMeta m = resource.meta(obj);
        String ns = info.namespace();
        if (resource.namespaced()) {
            if (!m.getNamespace().isEmpty() && !m.getNamespace().equals(ns)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }
        ObjectMeta.Builder mb = m.toBuilder().clearResourceVersion().clearUid().clearCreationTimestamp()
                .clearDeletionTimestamp().clearDeletionGracePeriodSeconds().clearGeneration();
        if (resource.namespaced()) {
            mb.setNamespace(ns);
        } else {
            mb.clearNamespace();
        }
        T next = BeforeWrite.create(kind, resource.withMeta(obj, mb.build()));
        boolean dry = dryRun();
        CompletableFuture<Void> nsCheck = resource.namespaced() ? namespaceAcceptsCreates(ns, m.getName())
                : CompletableFuture.completedFuture(null);
        then(nsCheck, m.getName(), v -> {
            if (dry) {
                sendObject(201, resource.withTypeMeta(next));
                return;
            }
            then(store.create(next), m.getName(), o -> sendObject(201, o));
        });
    }

    /** The namespace must exist and not be terminating (kube's NamespaceLifecycle admission). */
    private CompletableFuture<Void> namespaceAcceptsCreates(String ns, String name) {
        WatchCache<Namespace> nsCache = server.cache(NamespaceKind.RESOURCE);
        WatchCache.Entry<Namespace> e = nsCache.hasSynced() ? nsCache.get(null, ns) : null;
        CompletableFuture<Namespace> f = e != null ? CompletableFuture.completedFuture(e.object())
                : server.store().of(NamespaceKind.RESOURCE).get(null, ns);
        return f.handle((n, err) -> {
            if (err != null) {
                if (StoreException.unwrap(err) instanceof NotFoundException) {
                    throw new ApiException(404, "NotFound", "namespaces \"" + ns + "\" not found", ns, "",
                            "namespaces", List.of(), null);
                }
                throw ApiException.from(err, NamespaceKind.RESOURCE, ns);
            }
            if (n.getMetadata().hasDeletionTimestamp() || "Terminating".equals(n.getStatus().getPhase())) {
                throw new ApiException(403, "Forbidden", ApiException.qualified(resource) + " \"" + name
                        + "\" is forbidden: unable to create new content in namespace " + ns
                        + " because it is being terminated", name, resource.group(), resource.plural(), List.of(), null);
            }
            return null;
        });
    }

    /** Builds the object to write from the current one and the client's version of it. */
    private T merge(T cur, T in, String sub) {
        ObjectMeta cm = resource.meta(cur);
        if (sub != null) {
            // status subresource: only status changes
            FieldDescriptor status = cur.getDescriptorForType().findFieldByName("status");
            Message.Builder b = cur.toBuilder();
            if (in.hasField(status)) {
                b.setField(status, in.getField(status));
            } else {
                b.clearField(status);
            }
            @SuppressWarnings("unchecked")
            T out = (T) b.build();
            return out;
        }
        ObjectMeta im = resource.meta(in);
        ObjectMeta.Builder mb = im.toBuilder()
                .setNamespace(cm.getNamespace())
                .setCreationTimestamp(cm.getCreationTimestamp())
                .setGeneration(cm.getGeneration())
                .setResourceVersion(cm.getResourceVersion());
        if (im.getUid().isEmpty()) {
            mb.setUid(cm.getUid());
        }
        if (cm.hasDeletionTimestamp()) {
            mb.setDeletionTimestamp(cm.getDeletionTimestamp());
        } else {
            mb.clearDeletionTimestamp();
        }
        if (cm.hasDeletionGracePeriodSeconds()) {
            mb.setDeletionGracePeriodSeconds(cm.getDeletionGracePeriodSeconds());
        } else {
            mb.clearDeletionGracePeriodSeconds();
        }
        T out = resource.withMeta(in, mb.build());
        out = BeforeWrite.update(kind, out, cur);
        if (resource.spec(cur) != null && !resource.spec(cur).equals(resource.spec(out))) {
            out = resource.withMeta(out, resource.meta(out).toBuilder().setGeneration(cm.getGeneration() + 1).build());
        }
        BeforeWrite.validateUpdate(kind, out, cur);
        return out;
    }

    private void update(String name, String sub, String body) {
        T in = decode(body, name);
        ObjectMeta im = resource.meta(in);
        if (!im.getName().equals(name)) {
            throw ApiException.badRequest("the name of the object (" + im.getName()
                    + ") does not match the name on the URL (" + name + ")");
        }
        if (resource.namespaced() && !im.getNamespace().isEmpty() && !im.getNamespace().equals(info.namespace())) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        Preconditions pre = im.getResourceVersion().isEmpty() ? Preconditions.NONE
                : Preconditions.resourceVersion(im.getResourceVersion());
        if (!pre.isEmpty()) {
            parseRv(im.getResourceVersion());
        }
        boolean dry = dryRun();
        write(name, pre, cur -> merge(cur, in, sub), dry);
    }

    private void write(String name, Preconditions pre, java.util.function.UnaryOperator<T> fn, boolean dry) {
        if (dry) {
            then(store.get(info.namespace(), name), name, cur -> sendObject(200, fn.apply(cur)));
            return;
        }
        then(store.guaranteedUpdate(info.namespace(), name, pre, fn), name, o -> {
            ObjectMeta m = resource.meta(o);
            if (m.hasDeletionTimestamp() && m.getFinalizersCount() == 0
                    && kind.strategy().deletion() == DeletionStyle.IMMEDIATE) {
                // the last finalizer is gone: finish the delete
                then(store.delete(info.namespace(), name, Preconditions.uid(m.getUid())), name,
                        d -> sendObject(200, o));
                return;
            }
            sendObject(200, o);
        });
    }

    private void patch(String name, String sub, String body) {
        String ct = req.getHeader("Content-Type");
        String type = ct == null ? "" : ct.split(";")[0].trim().toLowerCase();
        JsonNode patch;
        try {
            patch = Codec.MAPPER.readTree(body);
        } catch (Exception e) {
            throw ApiException.badRequest("error decoding patch: " + e.getMessage());
        }
        if (patch == null) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        boolean strategic = type.equals("application/strategic-merge-patch+json");
        boolean json = switch (type) {
            case "application/json-patch+json" -> true;
            case "application/merge-patch+json", "application/strategic-merge-patch+json" -> false;
            default -> throw ApiException.of(415, "UnsupportedMediaType", "the body of the request was in an unknown "
                    + "format - accepted media types include: application/json-patch+json, "
                    + "application/merge-patch+json, application/strategic-merge-patch+json");
        };
        boolean dry = dryRun();
        write(name, Preconditions.NONE, cur -> {
            ObjectNode tree = Codec.typedTree(resource, cur);
            JsonNode patched = json ? Patches.jsonPatch(tree, patch)
                    : strategic ? Patches.strategicMerge(tree, patch) : Patches.merge(tree, patch);
            if (!patched.isObject()) {
                throw ApiException.badRequest("the patched object is not an object");
            }
            String prv = patched.path("metadata").path("resourceVersion").asText("");
            if (!prv.isEmpty() && !prv.equals(resource.meta(cur).getResourceVersion())) {
                throw ApiException.from(new io.kubelite.store.ConflictException(store.key(info.namespace(), name),
                        "Operation cannot be fulfilled on " + resource.plural() + " \"" + name
                                + "\": the object has been modified; please apply your changes to the latest version "
                                + "and try again", null, 0), resource, name);
            }
            r.warnings.clear();
            T in = decodeTree(patched, resource.prototype(), resource.kind(), resource.apiVersion());
            ObjectMeta im = resource.meta(in);
            if (!im.getName().equals(name)) {
                throw ApiException.badRequest("the name of the object (" + im.getName()
                        + ") does not match the name on the URL (" + name + ")");
            }
            return merge(cur, in, sub);
        }, dry);
    }

    /**
     * PUT (patchType null node) or PATCH of {@code replicasets/x/scale}: an autoscaling/v1 Scale
     * whose {@code spec.replicas} becomes the ReplicaSet's; a {@code metadata.resourceVersion}
     * in it is a precondition (409 when stale).
     */
    private void scale(String name, JsonNode patchType, String body) {
        JsonNode in;
        try {
            in = Codec.MAPPER.readTree(body);
        } catch (Exception e) {
            throw ApiException.badRequest("error decoding the request body: " + e.getMessage());
        }
        if (in == null || in.isMissingNode()) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        boolean put = patchType.isNull();
        if (put) {
            ScaleSubresource.checkTypeMeta(in);
        }
        boolean dry = dryRun();
        @SuppressWarnings("unchecked")
        ObjectStore<ReplicaSet> rss = (ObjectStore<ReplicaSet>) store;
        java.util.function.UnaryOperator<ReplicaSet> fn = rs -> {
            ObjectNode cur = ScaleSubresource.of(rs);
            JsonNode next = put ? in : "json".equals(patchType.asText()) ? Patches.jsonPatch(cur, in)
                    : Patches.merge(cur, in);
            if (!put) {
                ScaleSubresource.checkTypeMeta(next);
            }
            String rv = next.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty() && !rv.equals(rs.getMetadata().getResourceVersion())) {
                throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on replicasets.apps \"" + name
                        + "\": the object has been modified; please apply your changes to the latest version and try again",
                        name, "apps", "replicasets", List.of(), null);
            }
            int replicas = ScaleSubresource.replicas(name, next);
            ReplicaSet.Builder b = rs.toBuilder();
            b.getSpecBuilder().setReplicas(replicas);
            ReplicaSet out = b.build();
            if (!out.getSpec().equals(rs.getSpec())) {
                out = out.toBuilder().setMetadata(out.getMetadata().toBuilder()
                        .setGeneration(rs.getMetadata().getGeneration() + 1)).build();
            }
            return out;
        };
        if (dry) {
            then(rss.get(info.namespace(), name), name, rs -> r.json(200, ScaleSubresource.of(fn.apply(rs))));
            return;
        }
        then(rss.guaranteedUpdate(info.namespace(), name, fn), name, rs -> r.json(200, ScaleSubresource.of(rs)));
    }

    /** "json", "merge" (merge and strategic merge patches), or a 415. */
    private JsonNode patchType() {
        String ct = req.getHeader("Content-Type");
        String type = ct == null ? "" : ct.split(";")[0].trim().toLowerCase();
        return switch (type) {
            case "application/json-patch+json" -> Codec.MAPPER.getNodeFactory().textNode("json");
            case "application/merge-patch+json", "application/strategic-merge-patch+json" ->
                    Codec.MAPPER.getNodeFactory().textNode("merge");
            default -> throw ApiException.of(415, "UnsupportedMediaType", "the body of the request was in an unknown "
                    + "format - accepted media types include: application/json-patch+json, "
                    + "application/merge-patch+json, application/strategic-merge-patch+json");
        };
    }

    private void binding(String name, String body) {
        Binding b = decode(body, Binding.getDefaultInstance(), "Binding", "v1");
        if (!b.getMetadata().getName().isEmpty() && !b.getMetadata().getName().equals(name)) {
            throw ApiException.badRequest("the name of the object (" + b.getMetadata().getName()
                    + ") does not match the name on the URL (" + name + ")");
        }
        String node = b.getTarget().getName();
        if (node.isEmpty()) {
            throw ApiException.invalid(PodKind.RESOURCE, name, List.of(
                    new FieldError("FieldValueRequired", "Required value", "target.name")));
        }
        Preconditions pre = new Preconditions(b.getMetadata().getUid(), b.getMetadata().getResourceVersion());
        @SuppressWarnings("unchecked")
        ObjectStore<Pod> pods = (ObjectStore<Pod>) store;
        CompletableFuture<Pod> f = pods.guaranteedUpdate(info.namespace(), name, pre, p -> {
            if (p.getMetadata().hasDeletionTimestamp()) {
                throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on pods/binding \"" + name
                        + "\": pod " + name + " is being deleted, cannot be assigned to a host", name, "", "pods/binding",
                        List.of(), null);
            }
            if (!p.getSpec().getNodeName().isEmpty()) {
                throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on pods/binding \"" + name
                        + "\": pod " + name + " is already assigned to node \"" + p.getSpec().getNodeName() + "\"",
                        name, "", "pods/binding", List.of(), null);
            }
            Pod.Builder pb = p.toBuilder();
            pb.getSpecBuilder().setNodeName(node);
            var st = pb.getStatusBuilder();
            PodCondition cond = PodCondition.newBuilder().setType("PodScheduled").setStatus("True")
                    .setLastTransitionTime(now()).build();
            boolean replaced = false;
            for (int i = 0; i < st.getConditionsCount(); i++) {
                if (st.getConditions(i).getType().equals("PodScheduled")) {
                    st.setConditions(i, cond);
                    replaced = true;
                }
            }
            if (!replaced) {
                st.addConditions(cond);
            }
            return pb.build();
        });
        then(f, name, p -> {
            ObjectNode s = Codec.MAPPER.createObjectNode();
            s.put("kind", "Status");
            s.put("apiVersion", "v1");
            s.putObject("metadata");
            s.put("status", "Success");
            s.put("code", 201);
            r.json(201, s);
        });
    }

    private static Timestamp now() {
        return Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    }

    // ------------------------------------------------------------------ delete

    /** DeleteOptions from the body and the query. */
    private record DeleteOpts(Long grace, Preconditions pre, String propagation, boolean dryRun) {
    }

    private DeleteOpts deleteOptions(String body) {
        Long grace = null;
        String uid = "";
        String rv = "";
        String propagation = req.getParam("propagationPolicy");
        boolean dry = dryRun();
        if (body != null && !body.isBlank()) {
            JsonNode n;
            try {
                n = Codec.MAPPER.readTree(body);
            } catch (Exception e) {
                throw ApiException.badRequest("error decoding DeleteOptions: " + e.getMessage());
            }
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("DeleteOptions must be an object");
            }
            String kind = n.path("kind").asText("");
            if (!kind.isEmpty() && !kind.equals("DeleteOptions")) {
                throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind (DeleteOptions)");
            }
            if (n.has("gracePeriodSeconds") && !n.get("gracePeriodSeconds").isNull()) {
                if (!n.get("gracePeriodSeconds").canConvertToLong()) {
                    throw ApiException.badRequest("DeleteOptions.gracePeriodSeconds: expected an integer");
                }
                grace = n.get("gracePeriodSeconds").asLong();
            }
            uid = n.path("preconditions").path("uid").asText("");
            rv = n.path("preconditions").path("resourceVersion").asText("");
            if (n.hasNonNull("propagationPolicy")) {
                propagation = n.get("propagationPolicy").asText();
            }
            if (n.has("dryRun") && n.get("dryRun").isArray() && n.get("dryRun").size() > 0) {
                dry = true;
            }
        }
        String gq = req.getParam("gracePeriodSeconds");
        if (gq != null && !gq.isEmpty()) {
            try {
                grace = Long.parseLong(gq);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid gracePeriodSeconds \"" + gq + "\"");
            }
        }
        if (propagation != null && !propagation.isEmpty() && !List.of("Orphan", "Background", "Foreground")
                .contains(propagation)) {
            throw ApiException.of(422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: "
                    + "Unsupported value: \"" + propagation + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }
        if (grace != null && grace < 0) {
            grace = 0L;
        }
        return new DeleteOpts(grace, new Preconditions(uid, rv), propagation, dry);
    }

    private void delete(String name, String body) {
        DeleteOpts opts = deleteOptions(body);
        String ns = info.namespace();
        then(store.get(ns, name), name, cur -> {
            ObjectMeta m = resource.meta(cur);
            checkPreconditions(cur, opts.pre(), name);
            if (opts.dryRun()) {
                sendObject(200, cur);
                return;
            }
            if ("Orphan".equals(opts.propagation())) {
                // kube's orphan finalizer, done at once: dependents lose their reference to this owner first
                then(orphanDependents(m), name, v -> deleteNow(name, cur, opts));
                return;
            }
            if ("Foreground".equals(opts.propagation()) && kind.strategy().deletion() == DeletionStyle.IMMEDIATE) {
                deleteForeground(name, opts);
                return;
            }
            // Background (kube's default): dependents are the garbage collector's business
            deleteNow(name, cur, opts);
        });
    }

    /**
     * kube's foreground cascading deletion: the object stays, marked with a deletionTimestamp
     * and the {@code foregroundDeletion} finalizer, until the garbage collector has removed
     * its blocking dependents and then the finalizer. (Pods own nothing here, so for them
     * Foreground is Background; namespaces have their own finalizer.)
     */
    private void deleteForeground(String name, DeleteOpts opts) {
        then(store.guaranteedUpdate(info.namespace(), name, opts.pre(), o -> {
            ObjectMeta om = resource.meta(o);
            if (om.hasDeletionTimestamp() && om.getFinalizersList().contains(FOREGROUND_FINALIZER)) {
                return o;
            }
            ObjectMeta.Builder b = om.toBuilder();
            if (!om.hasDeletionTimestamp()) {
                b.setDeletionTimestamp(now()).setDeletionGracePeriodSeconds(0);
            }
            if (!om.getFinalizersList().contains(FOREGROUND_FINALIZER)) {
                b.addFinalizers(FOREGROUND_FINALIZER);
            }
            return resource.withMeta(o, b.build());
        }), name, o -> sendObject(200, o));
    }

    /** Removes ownerReferences to {@code owner} from every object in its namespace (or cluster scope). */
    private CompletableFuture<Void> orphanDependents(ObjectMeta owner) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Resource<? extends Message> dr : Kinds.resources()) {
            all.add(orphanIn(dr, owner));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private <D extends Message> CompletableFuture<Void> orphanIn(Resource<D> dr, ObjectMeta owner) {
        if (resource.namespaced() && !dr.namespaced()) {
            return CompletableFuture.completedFuture(null);
        }
        WatchCache<D> c = server.cache(dr);
        String ns = dr.namespaced() && resource.namespaced() ? owner.getNamespace() : null;
        ObjectStore<D> ds = server.store().of(dr);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (WatchCache.Entry<D> e : c.snapshot(ns).entries()) {
            ObjectMeta dm = dr.meta(e.object());
            if (dm.getOwnerReferencesList().stream().noneMatch(o -> o.getUid().equals(owner.getUid()))) {
                continue;
            }
            all.add(ds.guaranteedUpdate(dm.getNamespace().isEmpty() ? null : dm.getNamespace(), dm.getName(), o -> {
                ObjectMeta om = dr.meta(o);
                ObjectMeta.Builder b = om.toBuilder().clearOwnerReferences();
                om.getOwnerReferencesList().stream().filter(ref -> !ref.getUid().equals(owner.getUid()))
                        .forEach(b::addOwnerReferences);
                return dr.withMeta(o, b.build());
            }).exceptionally(err -> {
                if (StoreException.unwrap(err) instanceof NotFoundException) {
                    return null; // gone meanwhile: nothing to orphan
                }
                throw err instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(err);
            }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void deleteNow(String name, T cur, DeleteOpts opts) {
        String ns = info.namespace();
        ObjectMeta m = resource.meta(cur);
        if (cur instanceof Pod pod && graceful(pod, opts)) {
            long grace = opts.grace() != null ? opts.grace() : pod.getSpec().getTerminationGracePeriodSeconds();
            startGracefulDelete(name, grace, opts.pre());
            return;
        }
        if (cur instanceof Namespace) {
            deleteNamespace(name);
            return;
        }
        if (m.getFinalizersCount() > 0) {
            then(store.guaranteedUpdate(ns, name, opts.pre(), o -> {
                ObjectMeta om = resource.meta(o);
                if (om.hasDeletionTimestamp()) {
                    return o;
                }
                return resource.withMeta(o, om.toBuilder().setDeletionTimestamp(now())
                        .setDeletionGracePeriodSeconds(0).build());
            }), name, o -> sendObject(200, o));
            return;
        }
        Preconditions pre = opts.pre().isEmpty() ? Preconditions.uid(m.getUid()) : opts.pre();
        then(store.delete(ns, name, pre), name, d -> deleted(name, d.object() != null ? d.object() : cur));
    }

    private void checkPreconditions(T cur, Preconditions pre, String name) {
        ObjectMeta m = resource.meta(cur);
        if (!pre.uid().isEmpty() && !pre.uid().equals(m.getUid())) {
            throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + ApiException.qualified(resource)
                    + " \"" + name + "\": Precondition failed: UID in precondition: " + pre.uid()
                    + ", UID in object meta: " + m.getUid(), name, resource.group(), resource.plural(), List.of(), null);
        }
        if (!pre.resourceVersion().isEmpty() && !pre.resourceVersion().equals(m.getResourceVersion())) {
            throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + ApiException.qualified(resource)
                    + " \"" + name + "\": Precondition failed: ResourceVersion in precondition: " + pre.resourceVersion()
                    + ", ResourceVersion in object meta: " + m.getResourceVersion(), name, resource.group(),
                    resource.plural(), List.of(), null);
        }
    }

    /** A bound pod on an existing node, with a grace period > 0, is deleted gracefully. */
    private boolean graceful(Pod pod, DeleteOpts opts) {
        if (pod.getSpec().getNodeName().isEmpty()) {
            return false;
        }
        long grace = opts.grace() != null ? opts.grace() : pod.getSpec().getTerminationGracePeriodSeconds();
        if (grace <= 0) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            return false;
        }
        WatchCache<Node> nodes = server.cache(NodeKind.RESOURCE);
        return !nodes.hasSynced() || nodes.get(null, pod.getSpec().getNodeName()) != null;
    }

    private void startGracefulDelete(String name, long grace, Preconditions pre) {
        then(store.guaranteedUpdate(info.namespace(), name, pre, o -> {
            ObjectMeta om = resource.meta(o);
            if (om.hasDeletionTimestamp() && om.hasDeletionGracePeriodSeconds()
                    && om.getDeletionGracePeriodSeconds() <= grace) {
                return o;
            }
            Instant now = Instant.now();
            return resource.withMeta(o, om.toBuilder()
                    .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond() + grace))
                    .setDeletionGracePeriodSeconds(grace).build());
        }), name, o -> sendObject(200, o));
    }

    private void deleted(String name, T last) {
        if (kind.strategy().returnDeletedObject()) {
            sendObject(200, last);
            return;
        }
        ObjectNode s = Codec.MAPPER.createObjectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        ObjectNode d = s.putObject("details");
        d.put("name", name);
        if (!resource.group().isEmpty()) {
            d.put("group", resource.group());
        }
        d.put("kind", resource.plural());
        d.put("uid", resource.meta(last).getUid());
        r.json(200, s);
    }

    /**
     * Namespace deletion: the namespace turns Terminating (no new content), its objects
     * are removed, then the namespace itself. kubelite has no namespace controller, so
     * the API server does this itself, in the background.
     */
    private void deleteNamespace(String name) {
        @SuppressWarnings("unchecked")
        ObjectStore<Namespace> nss = (ObjectStore<Namespace>) store;
        then(nss.guaranteedUpdate(null, name, n -> {
            if (n.getMetadata().hasDeletionTimestamp()) {
                return n;
            }
            Namespace.Builder b = n.toBuilder();
            b.getMetadataBuilder().setDeletionTimestamp(now());
            b.getStatusBuilder().setPhase("Terminating");
            return b.build();
        }), name, n -> {
            r.bytes(200, Codec.typed(NamespaceKind.RESOURCE, n));
            NamespaceCleaner.purge(server.store(), name);
        });
    }

    private void deleteCollection(String body) {
        DeleteOpts opts = deleteOptions(body);
        Predicate<T> filter = filter();
        String ns = resource.namespaced() ? info.namespace() : null;
        then(store.list(new ListOptions<>(ns, filter, 0, 0, "")), null, list -> {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (T o : list.items()) {
                ObjectMeta m = resource.meta(o);
                if (opts.dryRun()) {
                    continue;
                }
                if (o instanceof Pod pod && graceful(pod, opts)) {
                    long grace = opts.grace() != null ? opts.grace() : pod.getSpec().getTerminationGracePeriodSeconds();
                    all.add(store.guaranteedUpdate(m.getNamespace(), m.getName(), x -> {
                        ObjectMeta xm = resource.meta(x);
                        if (xm.hasDeletionTimestamp()) {
                            return x;
                        }
                        return resource.withMeta(x, xm.toBuilder().setDeletionTimestamp(Timestamp.newBuilder()
                                .setSeconds(Instant.now().getEpochSecond() + grace))
                                .setDeletionGracePeriodSeconds(grace).build());
                    }));
                } else {
                    all.add(store.delete(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()))
                            .exceptionally(err -> null));
                }
            }
            then(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), null, v -> {
                ObjectNode s = Codec.MAPPER.createObjectNode();
                s.put("kind", "Status");
                s.put("apiVersion", "v1");
                s.putObject("metadata");
                s.put("status", "Success");
                r.json(200, s);
            });
        });
    }
}
