package io.kubelite.logstore.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.logstore.LogStore;
import io.kubelite.logstore.index.LogEntry;
import io.kubelite.logstore.ingest.IngestRequest;
import io.kubelite.logstore.ingest.IngestValidator;
import io.kubelite.logstore.ingest.StreamBatch;
import io.kubelite.logstore.logql.LogQlParseException;
import io.kubelite.logstore.logql.LogQlParser;
import io.kubelite.logstore.logql.LogQuery;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log-store's HTTP API:
 * <ul>
 *   <li>{@code POST /ingest}: the node log agents' contract ({@link IngestRequest} in,
 *       {@link io.kubelite.logstore.ingest.IngestResponse} out once durable);</li>
 *   <li>{@code GET /loki/api/v1/query_range}, {@code /loki/api/v1/labels},
 *       {@code /loki/api/v1/label/<name>/values}, {@code /loki/api/v1/series}: Loki's query API
 *       and JSON;</li>
 *   <li>{@code GET /loki/api/v1/tail}: Loki's live tail over a WebSocket;</li>
 *   <li>{@code GET /ready}: Loki's readiness path.</li>
 * </ul>
 * A bad query or body is answered 400 with a plain-text message (as Loki does) and changes
 * nothing; a failed commit is 500 (the agent resends). Parsing, validation and queries run on
 * Vert.x worker threads, never on the event loop.
 *
 * <p>Lifecycle LATENT → STARTED → CLOSED; owns its Vert.x instance. {@link #close()} is idempotent.
 */
public final class LogStoreServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogStoreServer.class);
    /** Bodies above this are refused with 413: an agent should split its batch. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String LABEL_VALUES_PREFIX = "/loki/api/v1/label/";

    private final String bindAddress;
    private final int requestedPort;
    private final LogStore store;
    private final Clock clock;
    private final ObjectMapper mapper =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final LokiJson json = new LokiJson(mapper);
    private final LogQlParser parser = new LogQlParser();
    private final IngestValidator validator = new IngestValidator();
    /** Open live tails: closed with 1001 before the server stops, so followers hear of it at once. */
    private final Set<ServerWebSocket> tails = ConcurrentHashMap.newKeySet();

    private Vertx vertx;
    private HttpServer server;
    private boolean closed;

    public LogStoreServer(String bindAddress, int port, LogStore store, Clock clock) {
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.store = store;
        this.clock = clock;
    }

    /** Binds (port 0: any free port, see {@link #port()}) and serves. */
    public synchronized void start() throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("log-store server already started or closed");
        }
        Vertx v = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
        HttpServer s = v.createHttpServer(new HttpServerOptions()
                        .setHost(bindAddress)
                        .setPort(requestedPort)
                        .setMaxWebSocketFrameSize(1 << 20)
                        .setMaxWebSocketMessageSize(MAX_BODY_BYTES))
                .requestHandler(this::handle);
        try {
            s.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            v.close();
            throw new IOException(
                    "cannot listen on " + bindAddress + ":" + requestedPort + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            v.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        }
        vertx = v;
        server = s;
        log.info("log-store API listening on {}:{} (/ingest, /loki/api/v1/...)", bindAddress, port());
    }

    public synchronized int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        try {
            if (path.equals("/ingest")) {
                if (!req.method().equals(HttpMethod.POST)) {
                    req.response().putHeader("Allow", "POST");
                    text(req, 405, "use POST");
                    return;
                }
                ingest(req);
                return;
            }
            if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                text(req, 405, "method not allowed");
                return;
            }
            switch (path) {
                case "/ready" -> text(req, store.healthy() ? 200 : 503, store.healthy() ? "ready" : "index failed");
                case "/loki/api/v1/query_range" -> queryRange(req);
                case "/loki/api/v1/labels", "/loki/api/v1/label" -> labels(req);
                case "/loki/api/v1/tail" -> tail(req);
                case "/loki/api/v1/series" -> series(req);
                default -> {
                    if (path.startsWith(LABEL_VALUES_PREFIX) && path.endsWith("/values")) {
                        labelValues(
                                req, path.substring(LABEL_VALUES_PREFIX.length(), path.length() - "/values".length()));
                    } else {
                        text(req, 404, "404 page not found");
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("log-store request {} {} failed", req.method(), req.uri(), e);
            text(req, 500, "internal error: " + e);
        }
    }

    private void ingest(HttpServerRequest req) {
        String length = req.getHeader("Content-Length");
        if (length != null && parseLong(length) > MAX_BODY_BYTES) {
            text(req, 413, "body larger than " + MAX_BODY_BYTES + " bytes: split the batch");
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        req.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                refused[0] = true;
                text(req, 413, "body larger than " + MAX_BODY_BYTES + " bytes: split the batch");
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (refused[0]) {
                return;
            }
            Context ctx = vertx.getOrCreateContext();
            vertx.executeBlocking(() -> parseIngest(body), false).onComplete(parsed -> {
                if (parsed.failed()) {
                    Throwable e = parsed.cause();
                    text(req, e instanceof BadRequestException ? 400 : 500, e.getMessage());
                    return;
                }
                store.ingest(parsed.result())
                        .whenComplete((resp, err) -> ctx.runOnContext(x -> {
                            if (err != null) {
                                text(req, 500, "not stored, resend: " + err);
                            } else {
                                bytes(req, 200, JSON, json.value(resp));
                            }
                        }));
            });
        });
    }

    private List<StreamBatch> parseIngest(Buffer body) throws BadRequestException {
        IngestRequest request;
        try {
            request = mapper.readValue(body.getBytes(), IngestRequest.class);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("invalid JSON body: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new BadRequestException("unreadable body: " + e.getMessage());
        }
        try {
            return validator.validate(request);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private void queryRange(HttpServerRequest req) {
        onWorker(req, () -> {
            LogQuery q = query(req.getParam("query"));
            LokiParams.Range r = LokiParams.range(
                    req.getParam("start"), req.getParam("end"), req.getParam("since"), clock.instant());
            int limit = LokiParams.limit(req.getParam("limit"));
            boolean forward = LokiParams.forward(req.getParam("direction"));
            return json.streams(store.select(q, r.startNanos(), r.endNanos(), limit, forward), categorize(req));
        });
    }

    /** Whether the client asked for Loki 3's categorized labels (per-line structured metadata). */
    private static boolean categorize(HttpServerRequest req) {
        for (String h : req.headers().getAll("X-Loki-Response-Encoding-Flags")) {
            for (String flag : h.split(",")) {
                if (flag.trim().equals(LokiJson.CATEGORIZE_LABELS)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void labels(HttpServerRequest req) {
        onWorker(req, () -> {
            LokiParams.Range r = LokiParams.range(
                    req.getParam("start"), req.getParam("end"), req.getParam("since"), clock.instant());
            return json.list(store.labelNames(r.startNanos(), r.endNanos()));
        });
    }

    private void labelValues(HttpServerRequest req, String name) {
        onWorker(req, () -> {
            LokiParams.Range r = LokiParams.range(
                    req.getParam("start"), req.getParam("end"), req.getParam("since"), clock.instant());
            return json.list(store.labelValues(name, r.startNanos(), r.endNanos()));
        });
    }

    private void series(HttpServerRequest req) {
        List<String> matches = req.params().getAll("match[]");
        onWorker(req, () -> {
            if (matches.isEmpty()) {
                throw new BadRequestException("at least one match[] argument must be provided");
            }
            List<LogQuery> selectors = new ArrayList<>();
            for (String m : matches) {
                LogQuery q = query(m);
                if (!q.filters().isEmpty()) {
                    throw new BadRequestException(
                            "match[] " + m + ": a stream selector without line filters is required");
                }
                selectors.add(q);
            }
            LokiParams.Range r = LokiParams.range(
                    req.getParam("start"), req.getParam("end"), req.getParam("since"), clock.instant());
            return json.series(store.series(selectors, r.startNanos(), r.endNanos()));
        });
    }

    private void tail(HttpServerRequest req) {
        LogQuery q;
        long startNanos;
        int limit;
        try {
            q = query(req.getParam("query"));
            // as Loki: history from start (default one hour ago), at most limit lines (default 100)
            LokiParams.Range r = LokiParams.range(req.getParam("start"), null, null, clock.instant());
            startNanos = r.startNanos();
            limit = LokiParams.limit(req.getParam("limit"));
        } catch (BadRequestException e) {
            text(req, 400, e.getMessage());
            return;
        }
        if (!req.canUpgradeToWebSocket()) {
            text(req, 400, "tail is served over a WebSocket: connect with ws://.../loki/api/v1/tail?query=...");
            return;
        }
        req.toWebSocket().onComplete(ar -> {
            if (ar.failed()) {
                log.debug("tail upgrade failed", ar.cause());
                return;
            }
            var ws = ar.result();
            TailSession session = new TailSession(q, ws, json);
            AutoCloseable subscription = store.tails().subscribe(session);
            ws.handler(b -> {}); // clients send nothing; pings are answered by Vert.x
            tails.add(ws);
            ws.closeHandler(v -> {
                tails.remove(ws);
                closeQuietly(subscription);
            });
            ws.exceptionHandler(e -> closeQuietly(subscription));
            // subscribed first, then the history up to now: no line can fall between the two
            long endNanos = LokiParams.nanos(clock.instant()) + 1;
            vertx.executeBlocking(
                    () -> {
                        List<LogEntry> history;
                        try {
                            history = new ArrayList<>(
                                    store.select(q, startNanos, Math.max(endNanos, startNanos + 1), limit, false));
                        } catch (IOException | RuntimeException e) {
                            log.warn("tail history for {} failed: {}", req.getParam("query"), e.toString());
                            history = new ArrayList<>();
                        }
                        Collections.reverse(history); // the last lines, sent oldest first
                        session.replayed(history);
                        return null;
                    },
                    false);
            log.debug("tail opened for {}", req.getParam("query"));
        });
    }

    private LogQuery query(String text) throws BadRequestException {
        if (text == null || text.isBlank()) {
            throw new BadRequestException("query parameter is required, e.g. query={namespace=\"default\"}");
        }
        try {
            return parser.parse(text);
        } catch (LogQlParseException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private void onWorker(HttpServerRequest req, Callable<byte[]> work) {
        Future<byte[]> f = vertx.executeBlocking(work, false);
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                bytes(req, 200, JSON, ar.result());
            } else if (ar.cause() instanceof BadRequestException) {
                text(req, 400, ar.cause().getMessage());
            } else {
                log.error("log-store query {} failed", req.uri(), ar.cause());
                text(req, 500, "query failed: " + ar.cause());
            }
        });
    }

    private static void text(HttpServerRequest req, int status, String body) {
        bytes(req, status, TEXT, (body + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void bytes(HttpServerRequest req, int status, String type, byte[] body) {
        if (req.response().ended() || req.response().closed()) {
            return;
        }
        req.response().setStatusCode(status).putHeader("Content-Type", type).end(Buffer.buffer(body));
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // removing from a list cannot fail in a way worth reporting
        }
    }

    /**
     * Closes every live tail with 1001 (going away) and waits a moment for the close frames to
     * leave: stopping Vert.x alone may drop a WebSocket without a close its peer (or a proxy in
     * between) notices, and a follower would then wait on a dead tail.
     */
    private void goAway() {
        List<Future<Void>> closing = new ArrayList<>();
        for (ServerWebSocket ws : tails) {
            closing.add(ws.close((short) 1001, "log store shutting down"));
        }
        if (closing.isEmpty()) {
            return;
        }
        try {
            Future.join(closing).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("live tails did not all close in time: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening, closes live tails and releases the Vert.x threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (vertx != null) {
            goAway();
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("log-store server did not close cleanly", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.info("log-store API closed");
        }
    }
}
