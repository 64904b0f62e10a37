package io.kubelite.apiserver;

import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.secret.SecretKind;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.kinds.Resource;
import io.kubelite.store.Store;
import io.kubelite.store.compaction.Compactor;
import io.kubelite.store.StoreException;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kubelite API server as a {@link Component}: one {@link WatchCache} per resource,
 * token authentication, and Kubernetes' REST API on Vert.x. Stateless: any number of
 * replicas can serve the same etcd.
 *
 * <p>The event loops never block: store calls are asynchronous and their results are
 * handed back to the request's context; encoding of large lists runs on worker threads.
 */
public final class ApiServer implements Component {
    private Duration compactionInterval = Duration.ZERO;
    private Compactor compactor;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final List<String> BOOTSTRAP_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final ApiServerConfig config;
    private final Map<Resource<?>, WatchCache<?>> caches = new LinkedHashMap<>();
    private final Map<Context, LoopBatch> loopBatches = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private Vertx vertx;
    private HttpClient kubeletClient;
    private final List<HttpServer> servers = new ArrayList<>();
    private ScheduledExecutorService timers;
    private Store store;
    private Auth auth;
    private MeterRegistry registry;
    private ReadinessChecks readiness;
    private volatile int port;
    private volatile boolean closed;
    private Discovery discovery;

    public ApiServer(ApiServerConfig config) {
        this.config = config;
    }

    /** The port actually listened on. */
    public int port() {
        return port;
    }

    public String url() {
        return (config.tlsCertFile() == null ? "http" : "https") + "://" + config.bindAddress() + ":" + port;
    }

    @SuppressWarnings("unchecked")
    <T extends Message> WatchCache<T> cache(Resource<T> r) {
        return (WatchCache<T>) caches.get(r);
    }

    ApiServerConfig config() {
        return config;
    }

    /**
     * The watch batcher of one event loop (created on first use; there are as many as event
     * loops). Vert.x 5 runs each HTTP request on its own duplicate of the loop's context, so
     * the map is keyed by the base context: per request it would grow without bound and
     * batch nothing.
     */
    LoopBatch loopBatch(Context context) {
        Context base = context instanceof io.vertx.core.internal.ContextInternal ci ? ci.unwrap() : context;
        return loopBatches.computeIfAbsent(base, LoopBatch::new);
    }

    Store store() {
        return store;
    }

    Vertx vertx() {
        return vertx;
    }

    HttpClient kubeletClient() {
        return kubeletClient;
    }

    /**
     * Compacts etcd's history every {@code interval} (0 disables), as kube-apiserver's
     * {@code --etcd-compaction-interval} does; replicas coordinate (see {@link Compactor}).
     * Call before start.
     */
    public ApiServer withCompactionInterval(Duration interval) {
        this.compactionInterval = interval;
        return this;
    }

    @Override
    public void start(ComponentContext ctx) throws Exception {
        if (!compactionInterval.isZero()) {
            compactor = new Compactor(ctx.etcd(), compactionInterval);
            compactor.start();
        }
        registry = ctx.meterRegistry();
        readiness = ctx.readiness();
        store = new Store(ctx.etcd());
        auth = new Auth(config.staticTokens(), config.anonymousAuth());
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "apiserver-timers");
            t.setDaemon(true);
            return t;
        });
        for (Resource<? extends Message> r : Kinds.resources()) {
            WatchCache<? extends Message> c = new WatchCache<>(store.of(r), config.watchCacheSize(), timers);
            caches.put(r, c);
            c.start();
            c.scheduleBookmarks(config.bookmarkInterval().toMillis());
            Gauge.builder("apiserver_registered_watchers", c, WatchCache::watchers).tag("resource", r.plural())
                    .register(registry);
            Gauge.builder("apiserver_watch_cache_objects", c, WatchCache::size).tag("resource", r.plural())
                    .register(registry);
        }
        cache(SecretKind.RESOURCE).synced().thenRun(() -> cache(SecretKind.RESOURCE).watch(-1, auth.secretsSink()));
        Gauge.builder("apiserver_current_inflight_requests", inFlight, AtomicInteger::get).register(registry);
        readiness.add("watch-caches-synced", () -> caches.values().stream().allMatch(WatchCache::hasSynced));
        discovery = new Discovery();
        bootstrapNamespaces();

        // no file serving here: without class-path resolving and caching Vert.x creates no
        // /tmp/vertx-cache-* directory, which a killed process would leave behind
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, config.eventLoops()))
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        kubeletClient = vertx.createHttpClient();
        HttpServerOptions options = new HttpServerOptions().setHost(config.bindAddress()).setPort(config.port())
                .setCompressionSupported(false).setIdleTimeout(0);
        if (config.tlsCertFile() != null) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.tlsCertFile().toString()).setKeyPath(config.tlsKeyFile().toString()));
        }
        // one server instance per event loop, deployed together so that they share the port (Vert.x
        // spreads the connections over them). Instances do not share a port 0: pick a free one first.
        if (config.port() == 0 && config.eventLoops() > 1) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getByName(config.bindAddress()))) {
                options.setPort(probe.getLocalPort());
            }
        }
        listen(options, Math.max(1, config.eventLoops()));
        port = servers.get(0).actualPort();
        if (servers.stream().anyMatch(x -> x.actualPort() != port)) {
            throw new IllegalStateException("HTTP server instances listen on different ports");
        }
        LOG.info("apiserver serving on {}", url());
    }

    private void listen(HttpServerOptions options, int instances) throws Exception {
        vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
            @Override
            public io.vertx.core.Future<?> start() {
                HttpServer s = vertx.createHttpServer(options).requestHandler(ApiServer.this::handle);
                synchronized (servers) {
                    servers.add(s);
                }
                return s.listen();
            }
        }, new io.vertx.core.DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Waits until every watch cache has its first list. */
    public boolean awaitSynced(long timeoutMillis) {
        try {
            CompletableFuture.allOf(caches.values().stream().map(WatchCache::synced).toArray(CompletableFuture[]::new))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void bootstrapNamespaces() {
        var ns = store.of(NamespaceKind.RESOURCE);
        for (String name : BOOTSTRAP_NAMESPACES) {
            Namespace n = BeforeWrite.create(NamespaceKind.KIND, Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
            ns.create(n).whenComplete((v, err) -> {
                if (err != null && !(StoreException.unwrap(err) instanceof AlreadyExistsException)) {
                    LOG.warn("could not create namespace {}: {}", name, err.getMessage());
                }
            });
        }
    }

    // ------------------------------------------------------------------ dispatch

    private void handle(HttpServerRequest req) {
        long start = System.nanoTime();
        Context context = Vertx.currentContext();
        Request r = new Request(this, req, context);
        req.response().endHandler(v -> {
            r.release();
            record(r, start);
        });
        req.response().closeHandler(v -> r.release());
        try {
            dispatch(r);
        } catch (ApiException e) {
            r.fail(e);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.method(), req.uri(), e);
            r.fail(ApiException.from(e, null, null));
        }
    }

    private void record(Request r, long start) {
        Counter.builder("apiserver_request_total").tag("verb", r.verb).tag("resource", r.resourceTag)
                .tag("code", Integer.toString(r.req.response().getStatusCode())).register(registry).increment();
        if (!r.verb.equals("WATCH")) {
            Timer.builder("apiserver_request_duration_seconds").tag("verb", r.verb).tag("resource", r.resourceTag)
                    .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void dispatch(Request r) {
        String path = r.req.path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Auth.User user = auth.authenticate(r.req.getHeader("Authorization"));
        if (user == null) {
            r.fail(ApiException.of(401, "Unauthorized", "Unauthorized"));
            return;
        }
        r.user = user;
        switch (path) {
            case "/healthz", "/livez" -> {
                r.text(200, "ok");
                return;
            }
            case "/readyz" -> {
                readyz(r);
                return;
            }
            case "/metrics" -> {
                r.text(200, registry instanceof PrometheusMeterRegistry p ? p.scrape() : "");
                return;
            }
            case "/version" -> {
                r.json(200, discovery.version());
                return;
            }
            default -> {
            }
        }
        if (path.equals("/api") || path.equals("/apis") || (path.startsWith("/api") && countSlashes(path) <= 3
                && !path.startsWith("/api/v1/"))) {
            ObjectNode d = discovery.resolve(path, r.req.authority() == null ? "" : r.req.authority().toString());
            r.json(200, d);
            return;
        }
        PathInfo info = PathInfo.parse(path);
        if (info == null) {
            r.fail(ApiException.of(404, "NotFound", "the server could not find the requested resource"));
            return;
        }
        r.resourceTag = info.resource().plural() + (info.subresource() == null ? "" : "/" + info.subresource());
        boolean longRunning = isWatch(r.req) || "log".equals(info.subresource());
        if (!longRunning) {
            if (inFlight.incrementAndGet() > config.maxInFlight()) {
                inFlight.decrementAndGet();
                r.req.response().putHeader("Retry-After", "1");
                r.fail(new ApiException(429, "TooManyRequests", "Too many requests, please try again later.", null,
                        null, null, List.of(), 1));
                return;
            }
            r.counted = new java.util.concurrent.atomic.AtomicBoolean(true);
        }
        new ResourceHandler<>(this, r, info).serve();
    }

    private static int countSlashes(String p) {
        int n = 0;
        for (char c : p.toCharArray()) {
            if (c == '/') {
                n++;
            }
        }
        return n;
    }

    static boolean isWatch(HttpServerRequest req) {
        String w = req.getParam("watch");
        return w != null && (w.equals("1") || w.equalsIgnoreCase("true"));
    }

    private void readyz(Request r) {
        vertx.<ReadinessChecks.Report>executeBlocking(() -> readiness.evaluate(), false).onComplete(ar -> {
            if (ar.failed()) {
                r.text(500, "readyz check failed");
                return;
            }
            StringBuilder b = new StringBuilder();
            for (ReadinessChecks.Status s : ar.result().statuses()) {
                b.append(s.ok() ? "[+]" : "[-]").append(s.name()).append(s.ok() ? " ok" : " failed").append('\n');
            }
            boolean ok = ar.result().ready() && !closed;
            b.append(ok ? "readyz check passed" : "readyz check failed").append('\n');
            r.text(ok ? 200 : 500, b.toString());
        });
    }

    int configBodyLimit() {
        return config.bodyLimit();
    }

    Auth auth() {
        return auth;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (compactor != null) {
            compactor.close();
        }
        caches.values().forEach(WatchCache::close);
        for (HttpServer s : servers) {
            try {
                s.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing http server: {}", e.toString());
            }
        }
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing vertx: {}", e.toString());
            }
        }
        if (timers != null) {
            timers.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ request

    /** One request and how to answer it; every answer happens on the request's context. */
    static final class Request {
        final ApiServer server;
        final HttpServerRequest req;
        final Context context;
        final List<String> warnings = new ArrayList<>();
        Auth.User user;
        String verb;
        String resourceTag = "";
        java.util.concurrent.atomic.AtomicBoolean counted;

        /** Gives back this request's in-flight slot, once. */
        void release() {
            if (counted != null && counted.compareAndSet(true, false)) {
                server.inFlight.decrementAndGet();
            }
        }

        Request(ApiServer server, HttpServerRequest req, Context context) {
            this.server = server;
            this.req = req;
            this.context = context;
            this.verb = req.method() == HttpMethod.GET && isWatch(req) ? "WATCH" : req.method().name();
        }

        /** Runs {@code fn} on this request's context. */
        void onContext(Runnable fn) {
            if (Vertx.currentContext() == context) {
                run(fn);
            } else {
                context.runOnContext(v -> run(fn));
            }
        }

        private void run(Runnable fn) {
            try {
                fn.run();
            } catch (ApiException e) {
                fail(e);
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", req.method(), req.uri(), e);
                fail(ApiException.from(e, null, null));
            }
        }

        void fail(ApiException e) {
            if (e.code() >= 500 && e.code() != 503) {
                LOG.warn("{} {} -> {} {}", req.method(), req.uri(), e.code(), e.getMessage());
            }
            HttpServerResponse resp = req.response();
            if (e.retryAfterSeconds() != null) {
                resp.putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
            }
            json(e.code(), e.toStatus());
        }

        void json(int code, ObjectNode body) {
            bytes(code, Codec.bytes(body));
        }

        void bytes(int code, byte[] body) {
            HttpServerResponse resp = req.response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            resp.setStatusCode(code).putHeader("Content-Type", "application/json");
            for (String w : warnings) {
                resp.headers().add("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\"");
            }
            resp.end(Buffer.buffer(body));
        }

        void text(int code, String body) {
            HttpServerResponse resp = req.response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            resp.setStatusCode(code).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
