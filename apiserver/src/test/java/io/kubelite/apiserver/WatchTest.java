package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Watches: event stream, resume from a resourceVersion, bookmarks, 410 Expired, two replicas. */
class WatchTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void eventsResumeSelectorsAndBookmarks() throws Exception {
        try (TestApiServer api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local().withBookmarkInterval(Duration.ofMillis(200)))) {
            JsonNode created = api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("w1", ""))
                    .json();
            String rv0 = created.path("metadata").path("resourceVersion").asText();
            try (TestApiServer.Watch w = api.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + rv0)) {
                assertThat(w.code).isEqualTo(200);
                api.patch(
                        "/api/v1/namespaces/default/pods/w1",
                        "application/merge-patch+json",
                        "{\"metadata\":{\"labels\":{\"x\":\"1\"}}}");
                JsonNode mod = w.nextNonBookmark();
                assertThat(mod.path("type").asText()).isEqualTo("MODIFIED");
                assertThat(mod.path("object").path("kind").asText()).isEqualTo("Pod");
                assertThat(mod.path("object").path("apiVersion").asText()).isEqualTo("v1");
                assertThat(mod.path("object")
                                .path("metadata")
                                .path("labels")
                                .path("x")
                                .asText())
                        .isEqualTo("1");
                Resp del = new Resp(api.delete("/api/v1/namespaces/default/pods/w1", null));
                JsonNode d = w.nextNonBookmark();
                assertThat(d.path("type").asText()).isEqualTo("DELETED");
                assertThat(Long.parseLong(d.path("object")
                                .path("metadata")
                                .path("resourceVersion")
                                .asText()))
                        .isGreaterThan(mod.path("object")
                                .path("metadata")
                                .path("resourceVersion")
                                .asLong());
                assertThat(del.code).isEqualTo(200);
            }
            // resume from the first revision replays both changes
            try (TestApiServer.Watch w =
                    api.watch("/api/v1/namespaces/default/pods?watch=true&resourceVersion=" + rv0)) {
                assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("MODIFIED");
                assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("DELETED");
            }
            // rv unset: current state as ADDED, then live; label selector moves objects in and out
            api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("w2", ""));
            try (TestApiServer.Watch w = api.watch(
                    "/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dweb" + "&allowWatchBookmarks=true")) {
                JsonNode a = w.nextNonBookmark();
                assertThat(a.path("type").asText()).isEqualTo("ADDED");
                assertThat(a.path("object").path("metadata").path("name").asText())
                        .isEqualTo("w2");
                api.patch(
                        "/api/v1/namespaces/default/pods/w2",
                        "application/merge-patch+json",
                        "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}");
                assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("DELETED");
                api.patch(
                        "/api/v1/namespaces/default/pods/w2",
                        "application/merge-patch+json",
                        "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}");
                assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("ADDED");
                JsonNode bm;
                do {
                    bm = w.next();
                } while (!bm.path("type").asText().equals("BOOKMARK"));
                assertThat(bm.path("object").path("kind").asText()).isEqualTo("Pod");
                assertThat(bm.path("object")
                                .path("metadata")
                                .path("resourceVersion")
                                .asLong())
                        .isPositive();
            }
            // timeoutSeconds ends the stream
            try (TestApiServer.Watch w =
                    api.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&timeoutSeconds=1")) {
                assertThat(w.next().path("type").asText()).isEqualTo("ADDED");
                assertThat(w.next().path("type").asText()).isEqualTo("EOF");
            }
        }
    }

    record Resp(int code) {
        Resp(TestApiServer.Resp r) {
            this(r.code());
        }
    }

    @Test
    void expiredWhenOlderThanHistoryOrCompacted() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        long firstRv;
        try (TestApiServer api =
                TestApiServer.start(etcd, ApiServerConfig.local().withWatchCacheSize(3))) {
            firstRv = api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("e0", ""))
                    .json()
                    .path("metadata")
                    .path("resourceVersion")
                    .asLong();
            for (int i = 1; i <= 5; i++) {
                api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("e" + i, ""));
            }
            Poll.until(
                    Duration.ofSeconds(10),
                    "history trimmed",
                    () -> api.server().cache(PodKind.RESOURCE).historyStart() > firstRv);
            try (TestApiServer.Watch w =
                    api.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + firstRv)) {
                JsonNode e = w.next();
                assertThat(e.path("type").asText()).isEqualTo("ERROR");
                assertThat(e.path("object").path("kind").asText()).isEqualTo("Status");
                assertThat(e.path("object").path("code").asInt()).isEqualTo(410);
                assertThat(e.path("object").path("reason").asText()).isEqualTo("Expired");
                assertThat(e.path("object").path("message").asText())
                        .startsWith("too old resource version: " + firstRv);
            }
        }
        // compact etcd, then a fresh replica cannot serve the old revision either
        ETCD.cluster().compact(ETCD.cluster().currentRevision());
        try (TestApiServer api2 = TestApiServer.start(etcd, ApiServerConfig.local())) {
            try (TestApiServer.Watch w =
                    api2.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + firstRv)) {
                JsonNode e = w.next();
                assertThat(e.path("type").asText()).isEqualTo("ERROR");
                assertThat(e.path("object").path("code").asInt()).isEqualTo(410);
            }
            // and a continue token from before the compaction is 410 too is covered by the store; a fresh list works
            assertThat(api2.get("/api/v1/namespaces/default/pods").json().path("items"))
                    .hasSize(6);
        }
    }

    @Test
    void twoReplicasWriteOnOneWatchOnTheOther() throws Exception {
        String prefix = ETCD.newPrefix();
        try (TestApiServer a = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
                TestApiServer b = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local())) {
            long rv = a.get("/api/v1/namespaces/default/pods")
                    .json()
                    .path("metadata")
                    .path("resourceVersion")
                    .asLong();
            try (TestApiServer.Watch w = b.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + rv)) {
                for (int i = 0; i < 20; i++) {
                    assertThat(a.post("/api/v1/namespaces/default/pods", TestApiServer.pod("r" + i, ""))
                                    .code())
                            .isEqualTo(201);
                }
                for (int i = 0; i < 20; i++) {
                    JsonNode e = w.nextNonBookmark();
                    assertThat(e.path("type").asText()).isEqualTo("ADDED");
                    assertThat(e.path("object").path("metadata").path("name").asText())
                            .isEqualTo("r" + i);
                }
            }
            // a write on b is readable on a (quorum read) and from a's cache once it catches up
            JsonNode made = b.post("/api/v1/namespaces/default/pods", TestApiServer.pod("from-b", ""))
                    .json();
            assertThat(a.get("/api/v1/namespaces/default/pods/from-b").code()).isEqualTo(200);
            long rvB = made.path("metadata").path("resourceVersion").asLong();
            Poll.until(
                    Duration.ofSeconds(10),
                    "a's cache has it",
                    () -> a.get("/api/v1/namespaces/default/pods/from-b?resourceVersion=0")
                                    .code()
                            == 200);
            assertThat(a.server().cache(PodKind.RESOURCE).revision()).isGreaterThanOrEqualTo(rvB);
        }
    }
}
