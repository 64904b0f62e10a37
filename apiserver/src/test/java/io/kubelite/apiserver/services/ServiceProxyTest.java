package io.kubelite.apiserver.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/namespaces/{ns}/services/{id}/proxy/...} against a real HTTP server on
 * 127.0.0.1 registered as a Service and a ready EndpointSlice, over HTTP and through the real
 * {@code kubectl get --raw}, and kube's errors for what cannot be proxied.
 */
@Timeout(90)
class ServiceProxyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static TestApiServer api;
    static HttpServer echo;

    @BeforeAll
    static void start() throws Exception {
        Path tokens = dir.resolve("tokens.csv");
        java.nio.file.Files.writeString(tokens, "admin-token,admin,1,\"system:masters\"\n");
        api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()),
                ApiServerConfig.local().withTokens(io.kubelite.apiserver.Auth.readTokenFile(tokens), true));
        echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // answers what it was asked: method, path, query, body and the headers a proxy must pass or drop
        echo.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answer = ex.getRequestMethod() + " " + ex.getRequestURI() + " body=" + body + " x-test="
                    + ex.getRequestHeaders().getFirst("X-Test") + " auth="
                    + ex.getRequestHeaders().getFirst("Authorization");
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Echo", "yes");
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/teapot") ? 418 : 200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        echo.start();
        service("echo", "{\"name\":\"http\",\"port\":80}");
        slice("echo", "127.0.0.1", "http", echo.getAddress().getPort());
        service("lonely", "{\"name\":\"http\",\"port\":80}");
        service("simulated", "{\"name\":\"http\",\"port\":80}");
        slice("simulated", "10.244.0.7", "http", 8080);
        // the slice is in the API server's watch cache once a proxied request gets through
        Poll.until(
                Duration.ofSeconds(20),
                "echo reachable through the proxy",
                () -> api.get("/api/v1/namespaces/kube-system/services/echo:http/proxy/")
                        .code(),
                c -> c == 200);
        Poll.until(
                Duration.ofSeconds(20),
                "simulated's slice cached",
                () -> api.get("/api/v1/namespaces/kube-system/services/simulated:http/proxy/")
                        .body(),
                b -> b.contains("loopback"));
    }

    @AfterAll
    static void stop() {
        if (echo != null) {
            echo.stop(0);
        }
        if (api != null) {
            api.close();
        }
    }

    static void service(String name, String port) {
        Resp r = api.post(
                "/api/v1/namespaces/kube-system/services",
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},"
                        + "\"spec\":{\"ports\":[" + port + "]}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    /**
     * A ready slice written to the store, as kubelite's EndpointSlice controller writes its mirror
     * pods' loopback slices: kube's validation (here too) refuses loopback addresses from clients.
     */
    static void slice(String service, String address, String portName, int port) {
        NodeAgents.join(api.store()
                .of(EndpointSliceKind.RESOURCE)
                .create(EndpointSlice.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName(service + "-1")
                                .setNamespace("kube-system")
                                .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, service))
                        .setAddressType("IPv4")
                        .addEndpoints(Endpoint.newBuilder()
                                .addAddresses(address)
                                .setConditions(EndpointConditions.newBuilder().setReady(true)))
                        .addPorts(EndpointPort.newBuilder().setName(portName).setPort(port))
                        .build()));
    }

    @Test
    void getByPortNameOrNumberPassesPathAndQueryAndStreamsTheAnswerBack() {
        Resp byName = api.get("/api/v1/namespaces/kube-system/services/echo:http/proxy/a/b?x=1&y=two");
        assertThat(byName.code()).as(byName.body()).isEqualTo(200);
        assertThat(byName.body()).startsWith("GET /a/b?x=1&y=two body=");
        assertThat(byName.header("X-Echo")).containsExactly("yes");
        Resp byNumber = api.get("/api/v1/namespaces/kube-system/services/http:echo:80/proxy/n");
        assertThat(byNumber.code()).as(byNumber.body()).isEqualTo(200);
        assertThat(byNumber.body()).startsWith("GET /n body=");
        Resp teapot = api.get("/api/v1/namespaces/kube-system/services/echo:http/proxy/teapot");
        assertThat(teapot.code()).as("the backend's status, as it is").isEqualTo(418);
    }

    @Test
    void anyMethodWithItsBodyAndHeadersButNotTheClientsCredentials() {
        Resp post = api.request(
                "POST",
                "/api/v1/namespaces/kube-system/services/echo:http/proxy/items",
                "text/plain",
                "hello",
                Map.of("X-Test", "passed", "Authorization", "Bearer admin-token"));
        assertThat(post.code()).as(post.body()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("POST /items body=hello x-test=passed auth=null");
        Resp del = api.delete("/api/v1/namespaces/kube-system/services/echo:http/proxy/items/1", null);
        assertThat(del.body()).startsWith("DELETE /items/1 ");
    }

    @Test
    void kubeErrorsForWhatCannotBeProxied() {
        Resp missing = api.get("/api/v1/namespaces/kube-system/services/nope:http/proxy/");
        assertThat(missing.code()).as(missing.body()).isEqualTo(404);
        assertThat(missing.json().path("message").asText()).isEqualTo("services \"nope\" not found");

        Resp lonely = api.get("/api/v1/namespaces/kube-system/services/lonely:http/proxy/");
        assertThat(lonely.code()).as(lonely.body()).isEqualTo(503);
        assertThat(lonely.json().path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(lonely.json().path("message").asText()).isEqualTo("no endpoints available for service \"lonely\"");

        Resp wrongName = api.get("/api/v1/namespaces/kube-system/services/echo:metrics/proxy/");
        assertThat(wrongName.json().path("message").asText()).isEqualTo("no endpoints available for service \"echo\"");

        Resp wrongNumber = api.get("/api/v1/namespaces/kube-system/services/echo:81/proxy/");
        assertThat(wrongNumber.code()).isEqualTo(503);
        assertThat(wrongNumber.json().path("message").asText())
                .isEqualTo("no service port 81 found for service \"echo\"");

        Resp simulated = api.get("/api/v1/namespaces/kube-system/services/simulated:http/proxy/");
        assertThat(simulated.code()).isEqualTo(503);
        assertThat(simulated.json().path("message").asText())
                .isEqualTo("endpoint 10.244.0.7 of service \"simulated\" is a simulated pod IP;"
                        + " kubelite proxies only to loopback endpoints");

        Resp scheme = api.get("/api/v1/namespaces/kube-system/services/ftp:echo:http/proxy/");
        assertThat(scheme.code()).isEqualTo(400);
        assertThat(scheme.json().path("message").asText()).isEqualTo("invalid service request \"ftp:echo:http\"");
    }

    @Test
    void kubectlGetRawThroughTheProxy() throws Exception {
        Kubectl kubectl = Kubectl.find(dir, api.url(), null, null);
        assertThat(kubectl.run("get", "--raw", "/api/v1/namespaces/kube-system/services/echo:http/proxy/hi?q=1")
                        .ok())
                .startsWith("GET /hi?q=1 body=");
        Kubectl.Result missing = kubectl.run("get", "--raw", "/api/v1/namespaces/kube-system/services/nope/proxy/");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("services \"nope\" not found");
        Kubectl.Result none = kubectl.run("get", "--raw", "/api/v1/namespaces/kube-system/services/lonely/proxy/");
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.err()).contains("no endpoints available for service \"lonely\"");
    }

    @Test
    void kubectlProxyThenPlainHttpThroughIt() throws Exception {
        Kubectl kubectl = Kubectl.find(dir, api.url(), null, null);
        int port = io.kubelite.store.testing.FreePorts.next();
        Process proxy = new ProcessBuilder(
                        Kubectl.require(),
                        "--kubeconfig",
                        kubectl.kubeconfig().toString(),
                        "proxy",
                        "--port",
                        Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("kubectl-proxy.log").toFile())
                .start();
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + port
                    + "/api/v1/namespaces/kube-system/services/echo:http/proxy/via-kubectl-proxy?k=v";
            String body = Poll.until(
                    Duration.ofSeconds(20),
                    "an answer through kubectl proxy",
                    () -> {
                        try {
                            return client.send(
                                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                                    .build(),
                                            java.net.http.HttpResponse.BodyHandlers.ofString())
                                    .body();
                        } catch (java.io.IOException e) {
                            return "not listening yet: " + e;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    },
                    b -> b.startsWith("GET "));
            assertThat(body).startsWith("GET /via-kubectl-proxy?k=v body=");
        } finally {
            proxy.destroy();
            proxy.waitFor();
        }
    }

    @Test
    void httpsSchemeReachesATlsBackendWithoutVerifyingIt() throws Exception {
        io.kubelite.apiserver.testing.SelfSignedCert cert = io.kubelite.apiserver.testing.SelfSignedCert.create(
                java.nio.file.Files.createDirectories(dir.resolve("tls-backend")));
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpServer tls = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                            .setSsl(true)
                            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                                    .setCertPath(cert.certFile().toString())
                                    .setKeyPath(cert.keyFile().toString())))
                    .requestHandler(req -> req.response().end("tls " + req.uri()))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            service("secure", "{\"name\":\"https\",\"port\":443}");
            slice("secure", "127.0.0.1", "https", tls.actualPort());
            Resp r = Poll.until(
                    Duration.ofSeconds(20),
                    "https:secure:https answers",
                    () -> api.get("/api/v1/namespaces/kube-system/services/https:secure:443/proxy/s?a=b"),
                    x -> x.code() == 200);
            assertThat(r.body()).isEqualTo("tls /s?a=b");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void aWebSocketUpgradeIsJoinedToTheBackendsWebSocketAndARefusalRelayed() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            // greets with the URI it was asked for, then echoes text; refuses /refuse as a bad query
            io.vertx.core.http.HttpServer backend = vertx.createHttpServer()
                    .requestHandler(req -> {
                        if (req.path().equals("/refuse")) {
                            req.response().setStatusCode(400).end("bad query");
                            return;
                        }
                        req.toWebSocket().onSuccess(ws -> {
                            ws.writeTextMessage("hello " + ws.uri());
                            ws.textMessageHandler(m -> ws.writeTextMessage("echo " + m));
                        });
                    })
                    .listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            service("sockets", "{\"name\":\"http\",\"port\":80}");
            slice("sockets", "127.0.0.1", "http", backend.actualPort());
            String base = api.url().replace("http://", "ws://")
                    + "/api/v1/namespaces/kube-system/services/sockets:http/proxy";
            java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onText(
                        java.net.http.WebSocket ws, CharSequence data, boolean last) {
                    got.add(data.toString());
                    ws.request(1);
                    return null;
                }
            };
            java.net.http.WebSocket ws = Poll.until(
                    Duration.ofSeconds(20),
                    "a WebSocket through the proxy",
                    () -> {
                        try {
                            return java.net.http.HttpClient.newHttpClient()
                                    .newWebSocketBuilder()
                                    .buildAsync(java.net.URI.create(base + "/tail?query=x"), listener)
                                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (Exception e) {
                            return null;
                        }
                    },
                    x -> x != null);
            assertThat(got.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("hello /tail?query=x");
            ws.sendText("ping", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(got.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo ping");
            ws.sendClose(1000, "done").get(10, java.util.concurrent.TimeUnit.SECONDS);

            java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class,
                    () -> java.net.http.HttpClient.newHttpClient()
                            .newWebSocketBuilder()
                            .buildAsync(java.net.URI.create(base + "/refuse"), listener)
                            .get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause())
                            .getResponse()
                            .statusCode())
                    .isEqualTo(400);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
