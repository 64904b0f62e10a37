package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.apiserver.testing.TestApiServer.Watch;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --max-watches-per-user} against real etcd: a user's watches beyond the limit are kube's
 * 429 with Retry-After, other users are not affected, {@code system:masters} counts like anyone,
 * and a watch's place comes back exactly once however it ends (client gone, server-side timeout,
 * expired resourceVersion, WebSocket closed): after every round the user opens the limit again, and
 * not one more.
 */
class WatchQuotaTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final int LIMIT = 3;
    static final String CMS = "/api/v1/namespaces/default/configmaps";
    static final String WATCH = CMS + "?watch=true";

    static TestApiServer api;
    final List<Watch> open = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ApiServerConfig config = ApiServerConfig.local().toBuilder()
                .staticTokens(Map.of(
                        "alice-token", new Auth.User("alice", List.of(), null),
                        "bob-token", new Auth.User("bob", List.of(), null),
                        "admin-token", new Auth.User("admin", List.of("system:masters"), null)))
                .anonymousAuth(false)
                .maxWatchesPerUser(LIMIT)
                .watchCacheSize(10)
                .build();
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), config);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @AfterEach
    void closeAll() {
        open.forEach(Watch::close);
        open.clear();
        api.withToken(null);
    }

    Watch watch(String token, String path) throws Exception {
        api.withToken(token);
        Watch w = api.watch(path);
        open.add(w);
        return w;
    }

    /** One try at a watch, shown by its status when a poll gives up. */
    record Attempt(Watch watch) {
        @Override
        public String toString() {
            return "status " + watch.code;
        }
    }

    /** Opens {@code n} watches, each polled until accepted: a place given back a moment ago may still be settling. */
    List<Watch> openAgain(String token, int n) {
        List<Watch> opened = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Attempt a = Poll.until(
                    Duration.ofSeconds(10),
                    "watch " + (i + 1) + " of " + n + " accepted",
                    () -> {
                        try {
                            return new Attempt(watch(token, WATCH));
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    },
                    attempt -> attempt.watch().code == 200);
            opened.add(a.watch());
        }
        return opened;
    }

    void assertRefused(String token) throws Exception {
        Watch w = watch(token, WATCH);
        assertThat(w.code).as("watch %d of the same user", LIMIT + 1).isEqualTo(429);
        JsonNode status = w.next();
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
        assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
        assertThat(status.path("message").asText()).contains("has " + LIMIT + " watches open");
        assertThat(status.toString()).doesNotContain("\\tat ", "Exception");
    }

    @Test
    void beyondTheLimitIs429WithRetryAfterAndOnlyForThatUser() throws Exception {
        for (int i = 0; i < LIMIT; i++) {
            assertThat(watch("alice-token", WATCH).code).isEqualTo(200);
        }
        api.withToken("alice-token");
        Resp refused = api.get(WATCH);
        assertThat(refused.code()).as(refused.body()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).containsExactly("1");
        assertRefused("alice-token");
        // a list is not a watch: still served
        assertThat(api.get(CMS).code()).isEqualTo(200);
        // the count is per user
        assertThat(watch("bob-token", WATCH).code).isEqualTo(200);
        // system:masters counts like any user
        for (int i = 0; i < LIMIT; i++) {
            assertThat(watch("admin-token", WATCH).code).isEqualTo(200);
        }
        assertRefused("admin-token");
    }

    @Test
    void aClosedWatchGivesItsPlaceBackOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<Watch> ws = openAgain("alice-token", LIMIT);
            assertRefused("alice-token");
            ws.forEach(Watch::close);
        }
    }

    @Test
    void aWatchTheServerEndsGivesItsPlaceBack() throws Exception {
        // server-side timeout
        List<Watch> ws = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            Watch w = watch("alice-token", WATCH + "&timeoutSeconds=1");
            assertThat(w.code).isEqualTo(200);
            ws.add(w);
        }
        for (Watch w : ws) {
            awaitEnd(w);
        }
        openAgain("alice-token", LIMIT);
        assertRefused("alice-token");
    }

    @Test
    void anExpiredWatchGivesItsPlaceBack() throws Exception {
        api.withToken("bob-token");
        long first = 0;
        // more writes than the cache keeps: the first revision falls out of its history
        for (int i = 0; i < 25; i++) {
            Resp r = api.post(CMS, "{\"metadata\":{\"name\":\"cm-" + i + "\"}}");
            assertThat(r.code()).as(r.body()).isEqualTo(201);
            if (i == 0) {
                first = r.json().path("metadata").path("resourceVersion").asLong();
            }
        }
        List<Watch> ws = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            Watch w = watch("bob-token", WATCH + "&resourceVersion=" + first);
            assertThat(w.code).isEqualTo(200);
            ws.add(w);
        }
        for (Watch w : ws) {
            JsonNode e = awaitEnd(w);
            assertThat(e.toString()).as("the last event before the end").contains("too old resource version");
        }
        openAgain("bob-token", LIMIT);
        assertRefused("bob-token");
    }

    @Test
    void refusedWatchesTakeNoPlace() throws Exception {
        for (int i = 0; i < LIMIT + 2; i++) {
            assertThat(watch("alice-token", WATCH + "&timeoutSeconds=x").code).isEqualTo(400);
        }
        openAgain("alice-token", LIMIT);
        assertRefused("alice-token");
    }

    @Test
    void webSocketWatchesCountAndGiveTheirPlaceBack() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create(api.url().replaceFirst("^http", "ws") + WATCH);
        for (int round = 0; round < 2; round++) {
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                sockets.add(Poll.until(
                        Duration.ofSeconds(10),
                        "WebSocket watch " + (i + 1) + " accepted",
                        () -> {
                            try {
                                return connect(client, uri);
                            } catch (CompletionException e) {
                                return null;
                            }
                        },
                        s -> s != null));
            }
            try {
                connect(client, uri);
                throw new AssertionError("WebSocket watch " + (LIMIT + 1) + " was accepted");
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
                assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(429);
            }
            sockets.forEach(WebSocket::abort);
        }
    }

    static WebSocket connect(HttpClient client, URI uri) {
        return client.newWebSocketBuilder()
                .header("Authorization", "Bearer alice-token")
                .buildAsync(uri, new WebSocket.Listener() {})
                .join();
    }

    /** Reads until the server ends the watch; returns the last event before the end. */
    static JsonNode awaitEnd(Watch w) {
        JsonNode last = null;
        while (true) {
            JsonNode e = w.next();
            if ("EOF".equals(e.path("type").asText())) {
                return last;
            }
            last = e;
        }
    }
}
