package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.stats.NodeStatsEndpoints;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's container-log endpoint for every node of this process (and its exec and
 * attach endpoints, {@link StreamServer}), on one loopback
 * port (advertised as each node's {@code daemonEndpoints.kubeletEndpoint.Port}):
 * {@code GET /containerLogs/<namespace>/<pod>/<container>} with {@code previous},
 * {@code tailLines}, {@code follow} and {@code timestamps}, plain text like the kubelet's;
 * {@code /healthz} answers {@code ok}. Once {@link #serveStats} is called, also each node's
 * {@code /metrics/resource}, {@code /metrics/cadvisor} and {@code /stats/summary}
 * ({@link NodeStatsEndpoints}; a 503 before).
 *
 * <p>Served by a small Vert.x instance of its own. Reading a log (up to
 * {@link ContainerLog#MAX_LINES} lines under the log's lock) runs on a worker thread, not
 * the event loop; a follower's new lines are handed to the request's event loop, so they
 * reach the client in order. A follow ends when the container instance ends, the client
 * hangs up or the server closes.
 *
 * <p>{@link #start()} binds (port 0 picks a free port, see {@link #port()});
 * {@link #close()} releases the port and the Vert.x threads and is idempotent. A
 * closed server cannot be started again.
 */
public final class LogServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogServer.class);
    private static final String PREFIX = "/containerLogs/";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String SIMNET_TCP = "/simnet/tcp";
    private static final int SIMNET_MAX_REQUEST = 1 << 20;
    private static final long TIMEOUT_SECONDS = 10;

    private final String bindAddress;
    private final int requestedPort;
    private final ContainerLogStore logs;
    private final StreamServer streams;
    private final PodTraffic traffic;
    /** The nodes' stats endpoints; null until the usage model runs. */
    private volatile NodeStatsEndpoints stats;

    private Vertx vertx;
    private HttpServer server;
    private boolean closed;

    public LogServer(String bindAddress, int port, ContainerLogStore logs) {
        this(bindAddress, port, logs, new RunningContainers());
    }

    /** Also serves exec and attach into {@code containers} ({@link StreamServer}). */
    public LogServer(String bindAddress, int port, ContainerLogStore logs, RunningContainers containers) {
        this(bindAddress, port, logs, containers, PodTraffic.NONE);
    }

    /** Also answers pod-network exchanges other kubelet-sims route to this process's pods ({@code POST /simnet/tcp}). */
    public LogServer(
            String bindAddress, int port, ContainerLogStore logs, RunningContainers containers, PodTraffic traffic) {
        this.traffic = Objects.requireNonNull(traffic, "traffic");
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.requestedPort = port;
        this.logs = Objects.requireNonNull(logs, "logs");
        this.streams = new StreamServer(Objects.requireNonNull(containers, "containers"));
    }

    /** Binds and starts serving; a no-op when started. Throws {@link IOException} if the address cannot be bound. */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("log server is closed");
        }
        if (server != null) {
            return;
        }
        // no file serving: without class-path resolving and caching Vert.x creates no
        // /tmp/vertx-cache-* directory, which a killed process would leave behind
        Vertx v = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
        HttpServer s = v.createHttpServer(new HttpServerOptions()
                        .setHost(bindAddress)
                        .setPort(requestedPort)
                        .setWebSocketSubProtocols(StreamProtocol.SUBPROTOCOLS))
                .requestHandler(this::handle);
        try {
            await(s.listen());
        } catch (IOException | RuntimeException e) {
            closeQuietly(v);
            throw e;
        }
        vertx = v;
        server = s;
    }

    /** The bound port; only valid after {@link #start()}. */
    public synchronized int port() {
        if (server == null || closed) {
            throw new IllegalStateException("log server is not serving");
        }
        return server.actualPort();
    }

    /** Starts serving the nodes' stats endpoints with {@code endpoints}. */
    public void serveStats(NodeStatsEndpoints endpoints) {
        this.stats = Objects.requireNonNull(endpoints, "endpoints");
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.startsWith("/healthz")) {
            respond(req, 200, "ok");
        } else if (NodeStatsEndpoints.handles(path)) {
            NodeStatsEndpoints s = stats;
            if (s == null) {
                respond(req, 503, "node stats are not available yet: resource usage is not simulated yet\n");
            } else {
                s.handle(req);
            }
        } else if (path.startsWith(PREFIX)) {
            logs(req);
        } else if (path.equals(SIMNET_TCP)) {
            simnet(req);
        } else if (StreamServer.handles(path)) {
            streams.handle(req);
        } else {
            respond(req, 404, "404 page not found\n");
        }
    }

    /**
     * {@code POST /simnet/tcp?src=IP&sport=N&dst=IP&port=N} with the request bytes: a connection
     * another kubelet-sim routed to one of our pods. 200 with what the pod's server sent, or
     * with {@code X-Simnet-Failure} naming why nothing answered; 400 for bad parameters.
     */
    private void simnet(HttpServerRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            respond(req, 405, "POST only\n");
            return;
        }
        String src = req.getParam("src");
        String dst = req.getParam("dst");
        int sport;
        int port;
        try {
            sport = Integer.parseInt(req.getParam("sport", "0"));
            port = Integer.parseInt(req.getParam("port", ""));
        } catch (NumberFormatException e) {
            respond(req, 400, "sport and port must be numbers\n");
            return;
        }
        if (src == null || dst == null || port < 1 || port > 65535) {
            respond(req, 400, "src, dst and port are required\n");
            return;
        }
        Context eventLoop = vertx.getOrCreateContext();
        req.body()
                .onFailure(e -> respond(req, 400, "cannot read the request: " + e.getMessage() + "\n"))
                .onSuccess(body -> {
                    if (body.length() > SIMNET_MAX_REQUEST) {
                        respond(req, 413, "request too large\n");
                        return;
                    }
                    traffic.deliverTcp(src, sport, dst, port, body.getBytes())
                            .whenComplete((reply, err) -> eventLoop.runOnContext(v -> {
                                HttpServerResponse resp = req.response();
                                if (resp.ended() || resp.closed()) {
                                    return;
                                }
                                if (err != null) {
                                    respond(req, 500, "internal error\n");
                                    return;
                                }
                                resp.setStatusCode(200).putHeader("Content-Type", "application/octet-stream");
                                resp.putHeader("X-Simnet-Detail", ascii(reply.detail()));
                                if (!reply.ok()) {
                                    resp.putHeader(
                                            "X-Simnet-Failure", reply.failure().name());
                                }
                                resp.end(io.vertx.core.buffer.Buffer.buffer(reply.response()));
                            }));
                });
    }

    private static String ascii(String s) {
        return s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** What a log request asks for, read from its path and query. */
    private record LogRequest(
            String namespace,
            String pod,
            String container,
            boolean previous,
            boolean follow,
            boolean timestamps,
            int tail) {}

    private void logs(HttpServerRequest req) {
        String[] parts = req.path().substring(PREFIX.length()).split("/");
        if (!req.method().equals(HttpMethod.GET) || parts.length != 3) {
            respond(req, 404, "404 page not found\n");
            return;
        }
        int tail = -1;
        String tailLines = req.getParam("tailLines");
        if (tailLines != null) {
            try {
                tail = Math.max(0, Integer.parseInt(tailLines));
            } catch (NumberFormatException e) {
                respond(req, 400, "invalid tailLines \"" + tailLines + "\"\n");
                return;
            }
        }
        LogRequest r = new LogRequest(
                decode(parts[0]),
                decode(parts[1]),
                decode(parts[2]),
                bool(req.getParam("previous")),
                bool(req.getParam("follow")),
                bool(req.getParam("timestamps")),
                tail);
        Context eventLoop = vertx.getOrCreateContext();
        vertx.executeBlocking(
                        () -> {
                            serve(req, r, eventLoop);
                            return null;
                        },
                        false)
                .onFailure(e -> {
                    LOG.warn("container log request {} failed", req.uri(), e);
                    respond(req, 500, "internal error\n");
                });
    }

    /** On a worker: looks the log up and answers, or starts following it. */
    private void serve(HttpServerRequest req, LogRequest r, Context eventLoop) {
        if (!logs.hasPod(r.namespace(), r.pod())) {
            respondOn(
                    eventLoop,
                    req,
                    404,
                    "pod \"" + r.pod() + "\" in namespace \"" + r.namespace() + "\" not found on this node\n");
            return;
        }
        Optional<ContainerLog> log = logs.get(r.namespace(), r.pod(), r.container(), r.previous());
        if (log.isEmpty()) {
            respondOn(
                    eventLoop,
                    req,
                    400,
                    r.previous()
                            ? "previous terminated container \"" + r.container() + "\" in pod \"" + r.pod()
                                    + "\" not found\n"
                            : "container \"" + r.container() + "\" in pod \"" + r.pod()
                                    + "\" is waiting to start: ContainerCreating\n");
            return;
        }
        if (!r.follow()) {
            respondOn(eventLoop, req, 200, format(log.get().tail(r.tail()), r.timestamps()));
            return;
        }
        follow(req, log.get(), r, eventLoop);
    }

    /**
     * Sends the last lines, then every new line as it is written, until the log closes or
     * the client goes away. Taking the snapshot and registering the follower is one step
     * ({@link ContainerLog#follow}), so no line is missed or sent twice.
     */
    private void follow(HttpServerRequest req, ContainerLog log, LogRequest r, Context eventLoop) {
        Consumer<ContainerLog.Line> follower =
                l -> eventLoop.runOnContext(v -> write(req, format(List.of(l), r.timestamps())));
        Runnable[] onClose = new Runnable[1];
        onClose[0] = () -> eventLoop.runOnContext(v -> {
            log.unfollow(follower, onClose[0]);
            end(req);
        });
        // The snapshot is queued to the event loop inside follow, under the log's lock, so it
        // goes out before any line the follower hands over afterwards.
        boolean following = log.follow(
                r.tail(),
                snapshot -> {
                    String text = format(snapshot, r.timestamps());
                    eventLoop.runOnContext(v -> begin(req, text, () -> log.unfollow(follower, onClose[0])));
                },
                follower,
                onClose[0]);
        if (!following) {
            eventLoop.runOnContext(v -> end(req));
        }
    }

    /** On the event loop: the status, the headers and the snapshot of a follow. */
    private static void begin(HttpServerRequest req, String snapshot, Runnable unfollow) {
        HttpServerResponse resp = req.response();
        if (resp.closed()) {
            unfollow.run();
            return;
        }
        resp.closeHandler(x -> unfollow.run());
        resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", TEXT);
        resp.write(snapshot);
    }

    private static void write(HttpServerRequest req, String text) {
        HttpServerResponse resp = req.response();
        if (!resp.ended() && !resp.closed()) {
            resp.write(text);
        }
    }

    private static void end(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        if (!resp.ended() && !resp.closed()) {
            resp.end();
        }
    }

    private static String format(List<ContainerLog.Line> lines, boolean timestamps) {
        StringBuilder sb = new StringBuilder();
        for (ContainerLog.Line l : lines) {
            if (timestamps) {
                sb.append(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(l.timeMillis())))
                        .append(' ');
            }
            sb.append(l.text()).append('\n');
        }
        return sb.toString();
    }

    private static boolean bool(String v) {
        return v != null && (v.isEmpty() || v.equals("true") || v.equals("1"));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void respondOn(Context eventLoop, HttpServerRequest req, int status, String body) {
        eventLoop.runOnContext(v -> respond(req, status, body));
    }

    private static void respond(HttpServerRequest req, int status, String body) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return; // the client went away meanwhile
        }
        resp.setStatusCode(status).putHeader("Content-Type", TEXT).end(body);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (vertx != null) {
            // closes the listening socket and every connection; followers are dropped by their close handlers
            closeQuietly(vertx);
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IOException("timed out binding the log server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the log server", e);
        }
    }

    private static void closeQuietly(Vertx v) {
        try {
            v.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("log server's Vert.x did not close cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
