package io.kubelite.dashboard.http;

import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.action.ActionRegistry;
import io.kubelite.dashboard.auth.AccessReviewer;
import io.kubelite.dashboard.auth.LoginCode;
import io.kubelite.dashboard.auth.SessionStore;
import io.kubelite.dashboard.metrics.PodMetricsPoller;
import io.kubelite.dashboard.stream.ViewPublisher;
import io.kubelite.dashboard.view.ViewRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP server (Vert.x): the page and its assets from the jar
 * ({@code dashboard-web/} on the classpath), and the JSON/SSE API under {@code /api/}. Routes are
 * wired here and nowhere else; each group lives in its own class (sessions, views, actions).
 * Lifecycle LATENT → STARTED → CLOSED; owns its Vert.x instance; {@link #close()} is idempotent.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final String ASSETS = "dashboard-web";

    /** What the routes are made of. */
    public record Parts(
            ApiServerConnection dashboardApi,
            SessionStore sessions,
            LoginCode loginCode,
            AccessReviewer access,
            ViewRegistry views,
            ViewPublisher publisher,
            ActionRegistry actions,
            PodMetricsPoller podMetrics) {}

    private final String bindAddress;
    private final int requestedPort;
    private final Parts parts;
    private Vertx vertx;
    private HttpServer server;
    private boolean closed;

    public DashboardServer(String bindAddress, int port, Parts parts) {
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.parts = parts;
    }

    public synchronized void start() throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("dashboard server already started or closed");
        }
        Vertx v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(8));
        HttpServer s = v.createHttpServer(
                        new HttpServerOptions().setHost(bindAddress).setPort(requestedPort))
                .requestHandler(router(v));
        try {
            s.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            v.close();
            throw new IOException("cannot listen on " + bindAddress + ":" + requestedPort + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            v.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        }
        vertx = v;
        server = s;
        v.setPeriodic(60_000, id -> parts.sessions().sweep());
        log.info("dashboard listening on http://{}:{}/", bindAddress, port());
    }

    private Router router(Vertx v) {
        RequestGuards guards = new RequestGuards(parts.sessions());
        SessionRoutes sessionRoutes = new SessionRoutes(v, parts.sessions(), parts.loginCode(), parts.dashboardApi());
        ViewRoutes viewRoutes = new ViewRoutes(v, parts.views(), parts.publisher(), parts.access());
        ActionRoutes actionRoutes = new ActionRoutes(v, parts.actions());
        PodLogRoutes podLogRoutes = new PodLogRoutes();
        PodMetricsRoutes podMetricsRoutes = new PodMetricsRoutes(parts.podMetrics());

        Router r = Router.router(v);
        r.route().handler(guards::headers);
        r.route("/api/*").handler(guards::csrf);
        r.route("/api/*").handler(BodyHandler.create().setBodyLimit(1 << 20));
        r.post("/api/login").handler(sessionRoutes::login);
        r.post("/api/logout").handler(sessionRoutes::logout);
        r.route("/api/*").handler(guards::session);
        r.get("/api/session").handler(sessionRoutes::whoAmI);
        r.get("/api/views/:name").handler(viewRoutes::once);
        r.get("/api/stream").handler(viewRoutes::stream);
        r.post("/api/actions/:name").handler(actionRoutes::perform);
        r.get("/api/logs").handler(podLogRoutes::tail);
        r.get("/api/pod-metrics").handler(podMetricsRoutes::stream);
        r.route("/api/*")
                .handler(ctx ->
                        Responses.message(ctx, 404, "no API " + ctx.request().path()));
        r.get("/").handler(sessionRoutes::loginLink);
        r.route("/*")
                .handler(StaticHandler.create(ASSETS).setIndexPage("index.html").setCachingEnabled(false));
        return r;
    }

    /** The bound port (with port 0, the one picked). */
    public synchronized int port() {
        return server.actualPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("closing the dashboard's HTTP server: {}", e.toString());
            }
        }
    }
}
