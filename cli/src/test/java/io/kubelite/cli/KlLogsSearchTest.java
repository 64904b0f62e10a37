package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.logstore.LogStore;
import io.kubelite.logstore.LogStoreConfig;
import io.kubelite.logstore.http.LogStoreServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kl logs search} against a real log store on 127.0.0.1 behind a real API server, reached
 * through the Service {@code kube-system/log-store} and its loopback EndpointSlice.
 */
@Timeout(90)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KlLogsSearchTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static TestApiServer api;
    static LogStore store;
    static LogStoreServer server;
    /** The lines' times: a minute ago and on, so the default --since 1h finds them. */
    static final long T0 = nanos(Instant.now().minusSeconds(60));

    static KlRun.Result kl(String... args) {
        return KlRun.against(api.url(), args);
    }

    static long nanos(Instant i) {
        return KlRun.nanos(i);
    }

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        store = new LogStore(
                new LogStoreConfig(dir, Duration.ofHours(1), Duration.ZERO, 0),
                Clock.systemUTC(),
                new SimpleMeterRegistry());
        store.start();
        server = new LogStoreServer("127.0.0.1", 0, store, Clock.systemUTC());
        server.start();
        ingest("web-0", "web", "web", "GET /cart 200", "GET /pay 500 error", "GET /ok 200");
        ingest("web-1", "web", "web", "boom error here");
        ingest("db-0", "db", "db", "db error ignored by the app selector");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /** A pod's lines, pushed as a node log agent pushes them; line i at T0 + i ms (web-1's after web-0's). */
    static void ingest(String pod, String container, String app, String... lines) throws Exception {
        StringBuilder ls = new StringBuilder();
        long offset = pod.equals("web-1") ? 10 : pod.equals("db-0") ? 20 : 0;
        for (int i = 0; i < lines.length; i++) {
            ls.append(i == 0 ? "" : ",")
                    .append("{\"ts\":\"")
                    .append(T0 + (offset + i) * 1_000_000L)
                    .append("\",\"seq\":")
                    .append(i)
                    .append(",\"line\":\"")
                    .append(lines[i])
                    .append("\"}");
        }
        String body = "{\"streams\":[{\"namespace\":\"shop\",\"pod\":\"" + pod + "\",\"podUID\":\"" + pod
                + "-uid\",\"container\":\"" + container + "\",\"node\":\"node-1\",\"stream\":\"stdout\","
                + "\"podLabels\":{\"app\":\"" + app + "\"},\"lines\":[" + ls + "]}]}";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ingest"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** Service kube-system/log-store (port http 3100) and its ready loopback slice, as kubelite addons and the EndpointSlice controller make them. */
    static void registerLogStore() {
        TestApiServer.Resp svc = api.post(
                "/api/v1/namespaces/kube-system/services",
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"log-store\"},"
                        + "\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":3100}]}}");
        assertThat(svc.code()).as(svc.body()).isEqualTo(201);
        store(EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("log-store-1")
                        .setNamespace("kube-system")
                        .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "log-store"))
                .setAddressType("IPv4")
                .addEndpoints(Endpoint.newBuilder()
                        .addAddresses("127.0.0.1")
                        .setConditions(EndpointConditions.newBuilder().setReady(true)))
                .addPorts(EndpointPort.newBuilder().setName("http").setPort(server.port()))
                .build());
    }

    static void store(EndpointSlice s) {
        api.store().of(EndpointSliceKind.RESOURCE).create(s).join();
    }

    @Test
    @Order(1) // first: it starts without the log-store Service
    void searchPrintsTheMatchingLinesOldestFirstWithKubectlsPrefixAndTheErrorsAsOneLine() {
        KlRun.Result none = kl("logs", "search", "{app=\"web\"}");
        assertThat(none.code()).as(none.err()).isEqualTo(1);
        assertThat(none.err().strip())
                .isEqualTo(
                        "error: no log store: the Service kube-system/log-store is not there (kubelite addons creates it)");

        registerLogStore();
        String expected = "[pod/web-0/web] GET /pay 500 error\n[pod/web-1/web] boom error here\n";
        KlRun.Result found = Poll.until(
                Duration.ofSeconds(20),
                "kl logs search through the service proxy",
                () -> kl("logs", "search", "{namespace=\"shop\", app=\"web\"} |= \"error\""),
                r -> r.code() == 0 && r.out().equals(expected));
        assertThat(found.err()).isEmpty();

        KlRun.Result all = kl("logs", "search", "{app=\"web\"}", "--since", "1h", "--limit", "2");
        assertThat(all.out())
                .as("backward: the newest two, printed oldest first")
                .isEqualTo("[pod/web-0/web] GET /ok 200\n[pod/web-1/web] boom error here\n");
        KlRun.Result first = kl("logs", "search", "{app=\"web\"}", "--limit", "2", "--direction", "forward");
        assertThat(first.out())
                .as("forward: the oldest two")
                .isEqualTo("[pod/web-0/web] GET /cart 200\n[pod/web-0/web] GET /pay 500 error\n");

        KlRun.Result bad = kl("logs", "search", "{app=\"web\"} |= bad");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err().strip())
                .startsWith("error: parse error at line 1, col ")
                .doesNotContain("\n");

        KlRun.Result direction = kl("logs", "search", "{app=\"web\"}", "--direction", "sideways");
        assertThat(direction.code()).isEqualTo(1);
        assertThat(direction.err().strip())
                .isEqualTo("error: --direction must be forward or backward, not \"sideways\"");
    }

    @Test
    @Order(2)
    void followPrintsNewLinesAsTheyArriveOnceEach() throws Exception {
        Poll.until(Duration.ofSeconds(20), "log-store registered", () -> {
            if (api.get("/api/v1/namespaces/kube-system/services/log-store").code() == 404) {
                registerLogStore();
            }
            return kl("logs", "search", "{app=\"web\"}").code() == 0;
        });
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> Kl.run(
                new String[] {"--server", api.url(), "logs", "search", "{app=\"api\"}", "-f"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(),
                Clock.systemUTC()));
        t.start();
        try {
            ingestNow("api-0", 0, "first");
            Poll.until(
                    Duration.ofSeconds(20),
                    "the first line followed",
                    () -> out.toString(StandardCharsets.UTF_8),
                    o -> o.equals("[pod/api-0/api] first\n"));
            ingestNow("api-0", 1, "second");
            Poll.until(
                    Duration.ofSeconds(20),
                    "the second line followed, the first not again",
                    () -> out.toString(StandardCharsets.UTF_8),
                    o -> o.equals("[pod/api-0/api] first\n[pod/api-0/api] second\n"));
            Poll.holds(
                    Duration.ofSeconds(3),
                    "no line printed twice",
                    () -> assertThat(out.toString(StandardCharsets.UTF_8))
                            .isEqualTo("[pod/api-0/api] first\n[pod/api-0/api] second\n"));
        } finally {
            t.interrupt();
            t.join(10_000);
        }
        assertThat(t.isAlive()).as("kl -f ends when interrupted").isFalse();
    }

    /** One line of pod {@code pod} (app api) stamped now. */
    static void ingestNow(String pod, int seq, String line) throws Exception {
        String body = "{\"streams\":[{\"namespace\":\"shop\",\"pod\":\"" + pod + "\",\"podUID\":\"" + pod
                + "-uid\",\"container\":\"api\",\"node\":\"node-1\",\"stream\":\"stdout\","
                + "\"podLabels\":{\"app\":\"api\"},\"lines\":[{\"ts\":\"" + nanos(Instant.now()) + "\",\"seq\":"
                + seq + ",\"line\":\"" + line + "\"}]}]}";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ingest"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void theStoresTailWebSocketWorksThroughTheServiceProxy() throws Exception {
        Poll.until(Duration.ofSeconds(20), "log-store registered", () -> {
            if (api.get("/api/v1/namespaces/kube-system/services/log-store").code() == 404) {
                registerLogStore();
            }
            return kl("logs", "search", "{app=\"web\"}").code() == 0;
        });
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        StringBuilder partial = new StringBuilder();
        String url = api.url().replace("http://", "ws://") + LogsSearchCommand.STORE + "/loki/api/v1/tail?query="
                + java.net.URLEncoder.encode("{app=\"tail\"}", StandardCharsets.UTF_8);
        java.net.http.WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create(url), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(
                            java.net.http.WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            got.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            String line = "tailed " + System.nanoTime();
            String body = "{\"streams\":[{\"namespace\":\"shop\",\"pod\":\"tail-0\",\"podUID\":\"tail-0-uid\","
                    + "\"container\":\"c\",\"node\":\"node-1\",\"stream\":\"stdout\",\"podLabels\":{\"app\":\"tail\"},"
                    + "\"lines\":[{\"ts\":\"" + nanos(Instant.now()) + "\",\"seq\":1,\"line\":\"" + line + "\"}]}]}";
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ingest"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            java.util.List<String> seen = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen.stream().noneMatch(m -> m.contains(line)) && System.nanoTime() < deadline) {
                String m = got.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (m != null) {
                    seen.add(m);
                }
            }
            assertThat(seen).as("tail messages through the proxy").anyMatch(m -> m.contains(line));
        } finally {
            ws.sendClose(1000, "done");
        }
    }
}
