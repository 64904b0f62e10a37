package io.kubelite.apiserver.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in aggregated API server for tests: HTTPS on 127.0.0.1 with a self-signed certificate for
 * {@code <service>.<namespace>.svc}, serving {@code /apis/test.kubelite.io/v1} discovery (one
 * namespaced resource, {@code widgets}) and {@code widgets} lists, and a watch that sends one event
 * and stays open. It records the front-proxy and credential headers of every request it gets.
 */
public final class AggregatedBackend implements AutoCloseable {
    public static final String GROUP_VERSION = "test.kubelite.io/v1";

    /** The headers of one request the backend got. */
    public record Seen(String path, String user, List<String> groups, String authorization) {}

    private final Vertx vertx = Vertx.vertx();
    private final SelfSignedCert cert;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private AggregatedBackend(SelfSignedCert cert) {
        this.cert = cert;
    }

    /** Starts it, with a certificate valid for {@code serverName}. */
    public static AggregatedBackend start(Path dir, String serverName) throws Exception {
        AggregatedBackend b = new AggregatedBackend(SelfSignedCert.create(Files.createDirectories(dir), serverName));
        b.server = b.vertx
                .createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertPath(b.cert.certFile().toString())
                                .setKeyPath(b.cert.keyFile().toString())))
                .requestHandler(req -> {
                    b.seen.add(new Seen(
                            req.path(),
                            req.getHeader("X-Remote-User"),
                            req.headers().getAll("X-Remote-Group"),
                            req.getHeader("Authorization")));
                    HttpServerResponse out = req.response().putHeader("Content-Type", "application/json");
                    String path = req.path();
                    if (path.equals("/apis/" + GROUP_VERSION)) {
                        out.end(b.discovery());
                    } else if (path.equals("/apis/" + GROUP_VERSION + "/namespaces/default/widgets")
                            && "true".equals(req.getParam("watch"))) {
                        out.setChunked(true);
                        out.write("{\"type\":\"ADDED\",\"object\":" + widget("w1") + "}\n");
                        // and nothing more: the client sees the event while the stream stays open
                    } else if (path.equals("/apis/" + GROUP_VERSION + "/namespaces/default/widgets")) {
                        out.end("{\"kind\":\"WidgetList\",\"apiVersion\":\"" + GROUP_VERSION
                                + "\",\"metadata\":{},\"items\":[" + widget("w1") + "]}");
                    } else {
                        out.setStatusCode(404)
                                .end("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                        + "\"reason\":\"NotFound\",\"code\":404}");
                    }
                })
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return b;
    }

    private String discovery() {
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + GROUP_VERSION + "\","
                + "\"resources\":[{\"name\":\"widgets\",\"singularName\":\"widget\",\"namespaced\":true,"
                + "\"kind\":\"Widget\",\"verbs\":[\"get\",\"list\",\"watch\"],\"shortNames\":[\"wd\"]}]}";
    }

    private static String widget(String name) {
        return "{\"kind\":\"Widget\",\"apiVersion\":\"" + GROUP_VERSION + "\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\"}}";
    }

    public int port() {
        return server.actualPort();
    }

    /** The PEM certificate, the APIService's caBundle. */
    public byte[] caBundle() throws Exception {
        return Files.readAllBytes(cert.certFile());
    }

    /** Every request so far, oldest first. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Stops serving (connections refused from now on). */
    public void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
