package io.kubelite.apiserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.apiserver.ApiServer;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.store.Etcd;
import io.kubelite.store.Store;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An API server running in-process on a free loopback port, plus a small HTTP client for tests. */
public final class TestApiServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final ApiServer server;
    private final Etcd etcd;
    private volatile HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String token;

    private TestApiServer(ApiServer server, Etcd etcd) {
        this.server = server;
        this.etcd = etcd;
    }

    /** Starts a server on {@code etcd} (owned by the caller) and waits for its caches. */
    public static TestApiServer start(Etcd etcd, ApiServerConfig config) throws Exception {
        return start(etcd, config, s -> s);
    }

    /**
     * Starts a server on {@code etcd}, set up by {@code setup} before its start, and waits for its
     * caches. The ServiceAccount admission plugin is off unless {@code setup} turns it on again
     * ({@code s -> s.withDisabledAdmissionPlugins(Set.of())}): without a controller-manager no
     * {@code default} account exists.
     */
    public static TestApiServer start(
            Etcd etcd, ApiServerConfig config, java.util.function.UnaryOperator<ApiServer> setup) throws Exception {
        TestApiServer api = startUnsynced(etcd, config, setup);
        if (!api.server.awaitSynced(20_000)) {
            api.close();
            throw new IllegalStateException("watch caches did not sync");
        }
        return api;
    }

    /**
     * Starts a server on {@code etcd} (owned by the caller) without waiting for its caches,
     * for tests of a server whose etcd does not answer.
     */
    public static TestApiServer startUnsynced(Etcd etcd, ApiServerConfig config) throws Exception {
        return startUnsynced(etcd, config, s -> s);
    }

    private static TestApiServer startUnsynced(
            Etcd etcd, ApiServerConfig config, java.util.function.UnaryOperator<ApiServer> setup) throws Exception {
        // no controller-manager creates the default ServiceAccount here: pods would be refused
        ApiServer s = setup.apply(new ApiServer(config).withDisabledAdmissionPlugins(Set.of("ServiceAccount")));
        ComponentContext ctx = new ComponentContext(
                "apiserver",
                "test",
                etcd,
                new CommonOptions(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new ReadinessChecks(),
                (r, c) -> {});
        s.start(ctx);
        return new TestApiServer(s, etcd);
    }

    /** The test client's TLS: trust (and a client certificate) for a server on HTTPS. */
    public TestApiServer withSslContext(javax.net.ssl.SSLContext ssl) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(ssl)
                .build();
        return this;
    }

    public TestApiServer withToken(String t) {
        this.token = t;
        return this;
    }

    public ApiServer server() {
        return server;
    }

    public String url() {
        return server.url();
    }

    public Store store() {
        return new Store(etcd);
    }

    public Etcd etcd() {
        return etcd;
    }

    /** A response: status, body text, parsed JSON (null when not JSON), headers. */
    public record Resp(int code, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public List<String> header(String name) {
            return raw.headers().allValues(name);
        }
    }

    public Resp request(String method, String path, String contentType, String body) {
        return request(method, path, contentType, body, Map.of());
    }

    /** A request with extra headers ({@code Accept}, ...). */
    public Resp request(String method, String path, String contentType, String body, Map<String, String> headers) {
        return send(
                method,
                path,
                contentType,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                headers);
    }

    /** A request with a binary body (Kubernetes' protobuf, {@code application/vnd.kubernetes.protobuf}). */
    public Resp requestBytes(String method, String path, String contentType, byte[] body) {
        return send(method, path, contentType, HttpRequest.BodyPublishers.ofByteArray(body), Map.of());
    }

    private Resp send(
            String method,
            String path,
            String contentType,
            HttpRequest.BodyPublisher body,
            Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.body(), r);
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    public Resp get(String path) {
        return request("GET", path, null, null);
    }

    /** GET with an {@code Accept} header. */
    public Resp get(String path, String accept) {
        return request("GET", path, null, null, Map.of("Accept", accept));
    }

    public Resp post(String path, String body) {
        return request("POST", path, "application/json", body);
    }

    public Resp put(String path, String body) {
        return request("PUT", path, "application/json", body);
    }

    public Resp patch(String path, String type, String body) {
        return request("PATCH", path, type, body);
    }

    public Resp delete(String path, String body) {
        return request("DELETE", path, body == null ? null : "application/json", body);
    }

    /** An open watch: lines arrive in {@link #next}. */
    public final class Watch implements AutoCloseable {
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final Thread reader;
        private volatile InputStream in;
        public volatile int code;

        Watch(String path, Map<String, String> headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path));
            headers.forEach(b::header);
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            code = r.statusCode();
            in = r.body();
            reader = new Thread(
                    () -> {
                        try (BufferedReader br =
                                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = br.readLine()) != null) {
                                if (!line.isBlank()) {
                                    events.add(JSON.readTree(line));
                                }
                            }
                        } catch (Exception ignored) {
                            // closed
                        }
                        events.add(JSON.createObjectNode().put("type", "EOF"));
                    },
                    "test-watch");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event, or an AssertionError after 10 s. */
        public JsonNode next() {
            try {
                JsonNode n = events.poll(10, TimeUnit.SECONDS);
                if (n == null) {
                    throw new AssertionError("no watch event within 10s");
                }
                return n;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        /** The next event that is not a BOOKMARK. */
        public JsonNode nextNonBookmark() {
            while (true) {
                JsonNode n = next();
                if (!"BOOKMARK".equals(n.path("type").asText())) {
                    return n;
                }
            }
        }

        public JsonNode poll(long millis) throws InterruptedException {
            return events.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (Exception ignored) {
                // best effort
            }
            reader.interrupt();
        }
    }

    public Watch watch(String path) throws Exception {
        return new Watch(path, Map.of());
    }

    /** A watch with extra headers ({@code Accept}: a Table watch). */
    public Watch watch(String path, Map<String, String> headers) throws Exception {
        return new Watch(path, headers);
    }

    @Override
    public void close() {
        server.close();
    }

    /** A minimal pod manifest. */
    public static String pod(String name, String extraSpec) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.25\"}]" + extraSpec + "}}";
    }

    public static String node(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\"}}";
    }
}
