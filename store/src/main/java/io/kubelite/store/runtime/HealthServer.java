package io.kubelite.store.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP endpoints every kubelite process serves, like Kubernetes components do:
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} while the process is alive and not shutting
 *       down, 503 once {@link #markShuttingDown()} was called;</li>
 *   <li>{@code /readyz}: 200 {@code ok} when every {@link ReadinessChecks} check passes
 *       (and the process is not shutting down), else 503 listing each check as
 *       {@code [+]name ok} / {@code [-]name failed}; {@code ?verbose} lists them on
 *       success too;</li>
 *   <li>{@code /metrics}: the Prometheus text exposition of the registry.</li>
 * </ul>
 * Anything else is 404; methods other than GET and HEAD are 405.
 *
 * <p>Lifecycle LATENT → STARTED → CLOSED. {@link #start()} binds (port 0 picks a free
 * port, see {@link #port()}) and is a no-op when already started; {@link #close()}
 * releases the port and the server's two daemon threads and is idempotent. A closed
 * server cannot be restarted. There is no authentication: bind it to loopback unless
 * the network is trusted.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private enum State { LATENT, STARTED, CLOSED }

    private final String bindAddress;
    private final int requestedPort;
    private final ReadinessChecks readiness;
    private final PrometheusMeterRegistry registry;
    private volatile boolean shuttingDown;
    private State state = State.LATENT;
    private HttpServer server;
    private ExecutorService executor;

    public HealthServer(String bindAddress, int port, ReadinessChecks readiness, PrometheusMeterRegistry registry) {
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
        HttpServer s = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort), 16);
        s.createContext("/", this::handle);
        // Its own small pool: a slow readiness check must not stall the rest of the process,
        // and daemon threads never keep a JVM alive that is otherwise done.
        ExecutorService ex = Executors.newFixedThreadPool(2, daemonThreads("health-http"));
        s.setExecutor(ex);
        s.start();
        server = s;
        executor = ex;
        state = State.STARTED;
        log.info("health server listening on {}:{} (/healthz /readyz /metrics)", bindAddress, port());
    }

    /** The bound port; only valid after {@link #start()}. */
    public synchronized int port() {
        if (state != State.STARTED) {
            throw new IllegalStateException("health server is " + state);
        }
        return server.getAddress().getPort();
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
        // stop(0) closes the listening socket at once; in-flight exchanges are abandoned,
        // which is fine for probes.
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("health server closed");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            switch (ex.getRequestURI().getPath()) {
                case "/healthz", "/livez" -> healthz(ex);
                case "/readyz" -> readyz(ex);
                case "/metrics" -> respond(ex, 200, PROMETHEUS_TEXT, registry.scrape());
                default -> respond(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
            }
        } catch (RuntimeException e) {
            log.warn("health request {} failed", ex.getRequestURI(), e);
            respond(ex, 500, "text/plain; charset=utf-8", "internal error\n");
        }
    }

    private void healthz(HttpExchange ex) throws IOException {
        if (shuttingDown) {
            respond(ex, 503, "text/plain; charset=utf-8", "[-]shutdown failed: process is shutting down\nhealthz check failed\n");
        } else {
            respond(ex, 200, "text/plain; charset=utf-8", "ok");
        }
    }

    private void readyz(HttpExchange ex) throws IOException {
        ReadinessChecks.Report report = readiness.evaluate();
        boolean ready = report.ready() && !shuttingDown;
        String query = ex.getRequestURI().getQuery();
        boolean verbose = query != null && query.contains("verbose");
        if (ready && !verbose) {
            respond(ex, 200, "text/plain; charset=utf-8", "ok");
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append(shuttingDown ? "[-]shutdown failed: process is shutting down\n" : "[+]shutdown ok\n");
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
        respond(ex, ready ? 200 : 503, "text/plain; charset=utf-8", b.toString());
    }

    private static void respond(HttpExchange ex, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : (bytes.length == 0 ? -1 : bytes.length));
        if (!head && bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
