package io.kubelite.logstore;

import static io.kubelite.logstore.Batches.T0;
import static io.kubelite.logstore.Batches.lines;
import static io.kubelite.logstore.Batches.nanos;
import static io.kubelite.logstore.Batches.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.logstore.http.LogStoreServer;
import io.kubelite.logstore.ingest.IngestRequest;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API on 127.0.0.1 over a store on disk: ingest contract, Loki's JSON, errors, live tail. */
class LogStoreServerTest {
    static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    LogStore store;
    LogStoreServer server;
    LokiClient client;
    final MutableClock clock = new MutableClock(T0.plus(Duration.ofMinutes(30)));

    @BeforeEach
    void start() throws Exception {
        store = new LogStore(
                new LogStoreConfig(dir, Duration.ofHours(1), Duration.ZERO, 0), clock, new SimpleMeterRegistry());
        store.start();
        server = new LogStoreServer("127.0.0.1", 0, store, clock);
        server.start();
        client = new LokiClient(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    IngestRequest web(long from, long to) {
        return new IngestRequest(List.of(stream("shop", "web-0", "web", "web", "stdout", lines(from, to, "GET /"))));
    }

    @Test
    void ingestIsIdempotentAndAcknowledgesTheStoredSequence() throws Exception {
        LokiClient.Reply first = client.ingest(web(1, 5));
        LokiClient.Reply again = client.ingest(web(3, 7));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode ack = again.json().get("streams").get(0);
        assertThat(ack.get("storedSeq").asLong()).isEqualTo(7);
        assertThat(ack.get("accepted").asInt()).isEqualTo(2);
        assertThat(ack.get("duplicates").asInt()).isEqualTo(3);
        assertThat(ack.get("podUID").asText()).isEqualTo("web-0-uid");
        assertThat(LokiClient.lines(queryRange("{app=\"web\"}", "forward"))).hasSize(7);
    }

    @Test
    void queryRangeAnswersInLokisShape() throws Exception {
        client.ingest(new IngestRequest(List.of(
                stream("shop", "web-0", "web", "web", "stdout", lines(1, 3, "w")),
                stream("shop", "api-0", "api", "api", "stdout", lines(4, 4, "a")))));

        LokiClient.Reply r = queryRange("{namespace=\"shop\"} |= \"line\"", "backward");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("status").asText()).isEqualTo("success");
        assertThat(json.at("/data/resultType").asText()).isEqualTo("streams");
        JsonNode result = json.at("/data/result");
        assertThat(result).hasSize(2);
        // backward: the newest line (api's, seq 4) first, so api's stream comes first
        assertThat(result.get(0).get("stream").get("app").asText()).isEqualTo("api");
        assertThat(result.get(0).get("stream").get("container").asText()).isEqualTo("api");
        assertThat(result.get(0).get("stream").get("app_kubernetes_io_part_of").asText())
                .isEqualTo("shop");
        JsonNode webValues = result.get(1).get("values");
        assertThat(webValues.get(0).get(0).asText()).isEqualTo(Long.toString(nanos(T0) + 3_000_000L));
        assertThat(webValues.get(0).get(1).asText()).isEqualTo("line 3 w");

        LokiClient.Reply labels = client.get("/loki/api/v1/labels", "start", T0.toString(), "end", end());
        assertThat(labels.json().get("data").toString())
                .isEqualTo(
                        "[\"app\",\"app_kubernetes_io_part_of\",\"container\",\"namespace\",\"node\",\"pod\",\"stream\"]");
        LokiClient.Reply series = client.get(
                "/loki/api/v1/series",
                "match[]",
                "{app=\"api\"}",
                "match[]",
                "{pod=~\"web.*\"}",
                "start",
                T0.toString(),
                "end",
                end());
        assertThat(series.status()).as(series.body()).isEqualTo(200);
        assertThat(series.json().get("data")).hasSize(2);
        assertThat(series.json().at("/data/0/pod").asText()).isEqualTo("api-0");
        assertThat(series.json().at("/data/1/container").asText()).isEqualTo("web");
        assertThat(client.get("/loki/api/v1/series", "start", T0.toString()).status())
                .isEqualTo(400);
        LokiClient.Reply pods = client.get("/loki/api/v1/label/pod/values", "start", "1733382000", "end", end());
        assertThat(pods.json().get("data").toString()).isEqualTo("[\"api-0\",\"web-0\"]");
    }

    @Test
    void categorizedLabelsNameTheContainerInstanceOfEachLine() throws Exception {
        IngestRequest.Stream first = stream("shop", "web-0", "web", "web", "stdout", lines(1, 1, "first"));
        IngestRequest.Stream restarted = new IngestRequest.Stream(
                "shop", "web-0", "web-0-uid", "web", "node-1", 1, "stdout", first.podLabels(), lines(2, 2, "again"));
        client.ingest(new IngestRequest(List.of(first, restarted)));
        String[] params = {
            "query", "{pod=\"web-0\"}", "start", Long.toString(nanos(T0)), "end", end(), "direction", "forward"
        };

        JsonNode plain = client.get("/loki/api/v1/query_range", params).json();
        assertThat(plain.at("/data/result/0/values/0"))
                .as("Loki's two-element values unless asked")
                .hasSize(2);
        assertThat(plain.at("/data/encodingFlags").isMissingNode()).isTrue();

        JsonNode categorized =
                client.getCategorized("/loki/api/v1/query_range", params).json();
        assertThat(categorized.at("/data/encodingFlags").toString()).isEqualTo("[\"categorize-labels\"]");
        JsonNode values = categorized.at("/data/result/0/values");
        assertThat(values).as(categorized.toString()).hasSize(2);
        assertThat(values.get(0).get(1).asText()).isEqualTo("line 1 first");
        assertThat(values.get(0).get(2).toString())
                .isEqualTo("{\"structuredMetadata\":{\"pod_uid\":\"web-0-uid\",\"restart_count\":\"0\"}}");
        assertThat(values.get(1)
                        .get(2)
                        .path("structuredMetadata")
                        .path("restart_count")
                        .asText())
                .isEqualTo("1");
    }

    @Test
    void badRequestsAre400AndTheServerKeepsServing() throws Exception {
        LokiClient.Reply parse = client.get("/loki/api/v1/query_range", "query", "{app=\"web\"} |= bad");
        assertThat(parse.status()).isEqualTo(400);
        assertThat(parse.body()).startsWith("parse error at line 1, col 16: syntax error: unexpected IDENTIFIER bad");

        assertThat(client.get("/loki/api/v1/query_range", "query", "{app=\"web\"}", "limit", "9999")
                        .body())
                .contains("max entries limit per query exceeded");
        assertThat(client.get("/loki/api/v1/query_range", "query", "{app=\"web\"}", "start", "yesterday")
                        .status())
                .isEqualTo(400);
        assertThat(client.get("/loki/api/v1/query_range", "query", "{app=\"web\"}", "direction", "sideways")
                        .status())
                .isEqualTo(400);

        LokiClient.Reply badJson = client.post("/ingest", "{\"streams\": [");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body()).startsWith("invalid JSON body");
        // a batch with one bad line stores nothing, not even its good lines
        IngestRequest.Stream good = stream("shop", "web-0", "web", "web", "stdout", lines(1, 2, "ok"));
        IngestRequest.Stream bad =
                stream("shop", "web-1", "web", "web", "stdout", List.of(new IngestRequest.Line("noon", 1L, "x")));
        LokiClient.Reply invalid = client.ingest(new IngestRequest(List.of(good, bad)));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).startsWith("streams[1].lines[0].ts: \"noon\" is neither");
        assertThat(LokiClient.lines(queryRange("{app=\"web\"}", "forward"))).isEmpty();

        assertThat(client.ingest(web(1, 2)).status()).isEqualTo(200);
        assertThat(LokiClient.lines(queryRange("{app=\"web\"}", "forward"))).hasSize(2);
    }

    @Test
    void liveTailSendsRecentHistoryThenLinesIngestedAfterItConnected() throws Exception {
        client.ingest(web(1, 3)); // before the tail: history, of which limit=2 lines are sent
        List<String> messages = new CopyOnWriteArrayList<>();
        String query = URLEncoder.encode("{app=\"web\"} != \"skip\"", StandardCharsets.UTF_8);
        WebSocket ws = client.http
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + server.port() + "/loki/api/v1/tail?limit=2&query=" + query),
                        new WebSocket.Listener() {
                            final StringBuilder partial = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    messages.add(partial.toString());
                                    partial.setLength(0);
                                }
                                w.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        try {
            Poll.until(T, "the tail is subscribed", () -> store.tails().size() == 1);
            client.ingest(new IngestRequest(List.of(stream(
                    "shop",
                    "web-0",
                    "web",
                    "web",
                    "stdout",
                    List.of(
                            new IngestRequest.Line(Long.toString(nanos(T0) + 10), 10L, "after connect"),
                            new IngestRequest.Line(Long.toString(nanos(T0) + 11), 11L, "skip me"))))));
            client.ingest(new IngestRequest(
                    List.of(stream("bank", "db-0", "db", "db", "stdout", lines(20, 20, "other app")))));

            List<String> got = Poll.until(
                    T,
                    "the history message, then one with the line ingested after connecting",
                    () -> List.copyOf(messages),
                    m -> m.size() >= 2);
            JsonNode history = LokiClient.JSON.readTree(got.get(0));
            assertThat(history.at("/streams/0/values").toString())
                    .as("the last 2 lines before connecting, oldest first")
                    .contains("[\"" + (nanos(T0) + 2_000_000L) + "\",\"line 2 GET /\"],[\"" + (nanos(T0) + 3_000_000L))
                    .doesNotContain("line 1 GET /");
            JsonNode json = LokiClient.JSON.readTree(got.get(1));
            assertThat(json.get("streams")).hasSize(1);
            assertThat(json.at("/streams/0/stream/pod").asText()).isEqualTo("web-0");
            assertThat(json.at("/streams/0/values/0/1").asText()).isEqualTo("after connect");
            assertThat(json.at("/streams/0/values")).hasSize(1);
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
        Poll.until(
                T,
                "the tail is unsubscribed after the client closed",
                () -> store.tails().size() == 0);
        assertThat(messages).hasSize(2);
    }

    @Test
    void tailWithABadQueryIs400() throws Exception {
        LokiClient.Reply r = client.get("/loki/api/v1/tail", "query", "{app=}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("parse error at line 1, col 6");
    }

    private LokiClient.Reply queryRange(String q, String direction) throws Exception {
        return client.get(
                "/loki/api/v1/query_range",
                "query",
                q,
                "start",
                Long.toString(nanos(T0)),
                "end",
                end(),
                "direction",
                direction,
                "limit",
                "1000");
    }

    private static String end() {
        return Instant.ofEpochSecond(0, nanos(T0.plus(Duration.ofHours(1)))).toString();
    }
}
