package io.kubelite.store.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints every kubelite process serves, like Kubernetes components do:
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} while the process is alive and not shutting
 *       down, 503 once {@link #markShuttingDown()} was called;</li>
 *   <li>{@code /readyz}: 200 {@code ok} when every {@link ReadinessChecks} check passes
 *       (and the process is not shutting down), else 503 listing each check as
 *       {@code [+]name ok} / {@code [-]name failed}; {@code ?verbose} lists them on
 *       success too;</li>
 *   <li>{@code /metrics}: the Prometheus text exposition of the registry;</li>
 *   <li>{@code /logs}: the process's recent log lines from its {@link LogBuffer} (404
 *       without one), with the kubelet's {@code containerLogs} parameters
 *       {@code tailLines=N} (the last N lines) and {@code follow=true} (then every new
 *       line until the client hangs up). This is what {@code kubectl logs} of the
 *       process's mirror pod reaches, through the API server.</li>
 * </ul>
 * Anything else is 404; methods other than GET and HEAD are 405.
 *
 * <p>Served by a small Vert.x instance of its own (one event loop, two worker threads):
 * the readiness checks and the metrics scrape run on a worker, never on the event loop,
 * so a slow check (etcd not answering) cannot stall {@code /healthz}.
 *
 * <p>Lifecycle LATENT → STARTED → CLOSED. {@link #start()} binds (port 0 picks a free
 * port, see {@link #port()}) and is a no-op when already started; {@link #close()}
 * releases the port and the Vert.x threads and is idempotent. A closed server cannot be
 * restarted. There is no authentication: bind it to loopback unless the network is
 * trusted.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String SHUTTING_DOWN = "[-]shutdown failed: process is shutting down\n";
    private static final long TIMEOUT_SECONDS = 10;

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final String bindAddress;
    private final int requestedPort;
    private final ReadinessChecks readiness;
    private final PrometheusMeterRegistry registry;
    private final LogBuffer logs;
    private volatile boolean shuttingDown;
    private State state = State.LATENT;
    private Vertx vertx;
    private HttpServer server;

    public HealthServer(String bindAddress, int port, ReadinessChecks readiness, PrometheusMeterRegistry registry) {
        this(bindAddress, port, readiness, registry, null);
    }

    /** @param logs served at {@code /logs}; null: {@code /logs} is 404 */
    public HealthServer(
            String bindAddress, int port, ReadinessChecks readiness, PrometheusMeterRegistry registry, LogBuffer logs) {
        this.logs = logs;
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.requestedPort = port;
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Binds and starts serving. Throws {@link IOException} if the address cannot be bound
     * (the server stays LATENT and may be started again), {@link IllegalStateException}
     * after {@link #close()}.
     */
    public synchronized void start() throws IOException {
        if (state == State.STARTED) {
            return;
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException("health server is closed");
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
        HttpServer s = v.createHttpServer(
                        new HttpServerOptions().setHost(bindAddress).setPort(requestedPort))
                .requestHandler(this::handle);
        try {
            await(s.listen());
        } catch (IOException | RuntimeException e) {
            closeQuietly(v);
            throw e;
        }
        vertx = v;
        server = s;
        state = State.STARTED;
        log.info("health server listening on {}:{} (/healthz /readyz /metrics /logs)", bindAddress, port());
    }

    /** The bound port; only valid after {@link #start()}. */
    public synchronized int port() {
        if (state != State.STARTED) {
            throw new IllegalStateException("health server is " + state);
        }
        return server.actualPort();
    }

    /** From now on /healthz and /readyz fail, so load balancers and probes stop sending work. */
    public void markShuttingDown() {
        shuttingDown = true;
    }

    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        if (was != State.STARTED) {
            return;
        }
        // closing Vert.x closes the listening socket and abandons in-flight requests,
        // which is fine for probes
        closeQuietly(vertx);
        log.info("health server closed");
    }

    private void handle(HttpServerRequest req) {
        HttpMethod method = req.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            req.response().putHeader("Allow", "GET, HEAD");
            respond(req, 405, TEXT, "method not allowed\n");
            return;
        }
        switch (req.path()) {
            case "/healthz", "/livez" -> healthz(req);
            case "/readyz" -> onWorker(req, () -> readyz(req.query()), TEXT);
            case "/metrics" -> onWorker(req, () -> new Reply(200, registry.scrape()), PROMETHEUS_TEXT);
            case "/logs" -> logs(req);
            default -> respond(req, 404, TEXT, "404 page not found\n");
        }
    }

    private void healthz(HttpServerRequest req) {
        if (shuttingDown) {
            respond(req, 503, TEXT, SHUTTING_DOWN + "healthz check failed\n");
        } else {
            respond(req, 200, TEXT, "ok");
        }
    }

    private void logs(HttpServerRequest req) {
        if (logs == null) {
            respond(req, 404, TEXT, "this process keeps no log buffer\n");
            return;
        }
        int tail = -1;
        String tailLines = req.getParam("tailLines");
        if (tailLines != null && !tailLines.isEmpty()) {
            try {
                tail = Integer.parseInt(tailLines);
            } catch (NumberFormatException e) {
                tail = -2;
            }
            if (tail < 0) {
                respond(req, 400, TEXT, "tailLines must be a non-negative integer, got " + tailLines + "\n");
                return;
            }
        }
        if (!"true".equals(req.getParam("follow"))) {
            respond(req, 200, TEXT, join(logs.tail(tail)));
            return;
        }
        HttpServerResponse r = req.response();
        r.setStatusCode(200).setChunked(true).putHeader("Content-Type", TEXT);
        Context context = vertx.getOrCreateContext();
        LogBuffer.Following following = logs.follow(
                tail,
                line -> context.runOnContext(v -> {
                    if (!r.ended() && !r.closed()) {
                        if (r.writeQueueFull()) {
                            r.reset(); // a follower that stops reading is dropped, as a slow watcher is
                        } else {
                            r.write(line + "\n");
                        }
                    }
                }));
        r.closeHandler(v -> following.close());
        if (!following.tail().isEmpty()) {
            // (an empty write would be read as the chunked body's end)
            r.write(join(following.tail()));
        }
    }

    private static String join(java.util.List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /** A status code and body computed off the event loop. */
    private record Reply(int code, String body) {}

    /** Runs {@code work} on a worker thread (it may block) and answers from its result. */
    private void onWorker(HttpServerRequest req, Callable<Reply> work, String contentType) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                respond(req, ar.result().code(), contentType, ar.result().body());
            } else {
                log.warn("health request {} failed", req.uri(), ar.cause());
                respond(req, 500, TEXT, "internal error\n");
            }
        });
    }

    private Reply readyz(String query) {
        ReadinessChecks.Report report = readiness.evaluate();
        boolean ready = report.ready() && !shuttingDown;
        boolean verbose = query != null && query.contains("verbose");
        if (ready && !verbose) {
            return new Reply(200, "ok");
        }
        StringBuilder b = new StringBuilder();
        b.append(shuttingDown ? SHUTTING_DOWN : "[+]shutdown ok\n");
        for (ReadinessChecks.Status s : report.statuses()) {
            if (s.ok()) {
                b.append("[+]").append(s.name()).append(" ok\n");
            } else {
                b.append("[-]").append(s.name()).append(" failed");
                if (s.reason() != null) {
                    b.append(": ").append(s.reason());
                }
                b.append('\n');
            }
        }
        b.append(ready ? "readyz check passed\n" : "readyz check failed\n");
        return new Reply(ready ? 200 : 503, b.toString());
    }

    private static void respond(HttpServerRequest req, int code, String contentType, String body) {
        HttpServerResponse r = req.response();
        if (r.ended() || r.closed()) {
            return; // the client went away while a worker computed the answer
        }
        r.setStatusCode(code).putHeader("Content-Type", contentType).putHeader("X-Content-Type-Options", "nosniff");
        if (req.method().equals(HttpMethod.HEAD)) {
            // Vert.x would write the body even to a HEAD request
            r.end();
        } else {
            r.end(body);
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IOException("timed out binding the health server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the health server", e);
        }
    }

    private static void closeQuietly(Vertx v) {
        try {
            v.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("health server's Vert.x did not close cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
