package io.kubelite.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link MetricsApi} over HTTPS, with metrics-server's health endpoints: {@code /healthz}
 * and {@code /livez} answer {@code ok} while the process runs, {@code /readyz} once {@code ready}
 * holds (503 before). Only GET is allowed on the API (405 otherwise). Requests are answered on the
 * event loop from memory. No client authentication: it binds loopback, where kubelite's
 * aggregation proxy (which presents no front-proxy certificate) calls it.
 */
final class MetricsHttpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpsServer.class);

    // no file serving: without class-path resolving and caching Vert.x creates no
    // /tmp/vertx-cache-* directory, which a killed process would leave behind
    private final Vertx vertx = Vertx.vertx(new VertxOptions()
            .setFileSystemOptions(
                    new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
    private final HttpServer server;

    MetricsHttpsServer(String bindAddress, int port, PemKeyCertOptions cert, MetricsApi api, BooleanSupplier ready)
            throws Exception {
        HttpServer s = null;
        try {
            s = vertx.createHttpServer(new HttpServerOptions()
                            .setSsl(true)
                            .setKeyCertOptions(cert)
                            .setHost(bindAddress)
                            .setPort(port))
                    .requestHandler(req -> handle(req, api, ready))
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
        server = s;
    }

    private static void handle(HttpServerRequest req, MetricsApi api, BooleanSupplier ready) {
        String path = req.path();
        try {
            switch (path) {
                case "/healthz", "/livez" -> {
                    req.response().putHeader("Content-Type", "text/plain").end("ok");
                    return;
                }
                case "/readyz" -> {
                    boolean ok = ready.getAsBoolean();
                    req.response()
                            .setStatusCode(ok ? 200 : 503)
                            .putHeader("Content-Type", "text/plain")
                            .end(ok ? "ok" : "[-]metric-storage-ready failed: not ready\nreadyz check failed");
                    return;
                }
                default -> {}
            }
            if (req.method() != HttpMethod.GET) {
                req.response()
                        .setStatusCode(405)
                        .putHeader("Content-Type", "application/json")
                        .end(new io.kubelite.apiserver.ApiException(
                                        405,
                                        "MethodNotAllowed",
                                        req.method() + " is not supported",
                                        null,
                                        null,
                                        null,
                                        null,
                                        null)
                                .toStatus()
                                .toString());
                return;
            }
            Map<String, String> query = new HashMap<>();
            req.params().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
            MetricsApi.Answer a = api.get(path, query);
            req.response()
                    .setStatusCode(a.code())
                    .putHeader("Content-Type", "application/json")
                    .end(a.body().toString());
        } catch (RuntimeException e) {
            LOG.warn("request {} failed", path, e);
            req.response().setStatusCode(500).end();
        }
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("metrics-server https server close: {}", e.toString());
        }
    }
}
