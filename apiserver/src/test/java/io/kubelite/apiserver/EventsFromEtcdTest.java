package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events have no watch cache (kube's default {@code --watch-cache-sizes}): lists, gets and watches
 * of core/v1 and events.k8s.io/v1 Events are served from etcd, with field selectors and kube's
 * resourceVersion semantics (resume after N, 410 once etcd compacted N away).
 */
class EventsFromEtcdTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String CORE = "/api/v1/namespaces/default/events";
    static final String EV1 = "/apis/events.k8s.io/v1/namespaces/default/events";

    static String event(String name, String involved) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"" + involved + "\"},"
                + "\"reason\":\"Scheduled\",\"message\":\"m-" + name + "\",\"type\":\"Normal\"}";
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
        return out;
    }

    @Test
    void noCacheYetListsGetsAndFieldSelectorsWork() throws Exception {
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local())) {
            assertThat(api.server().cache(EventKind.RESOURCE)).isNull();
            assertThat(api.post(CORE, event("e1", "p1")).code()).isEqualTo(201);
            assertThat(api.post(CORE, event("e2", "p2")).code()).isEqualTo(201);
            assertThat(api.post(CORE, event("e3", "p1")).code()).isEqualTo(201);

            // a list right after the writes sees them all (etcd, not a cache catching up)
            assertThat(names(api.get(CORE).json())).containsExactly("e1", "e2", "e3");
            assertThat(names(api.get(CORE + "?resourceVersion=0").json())).containsExactly("e1", "e2", "e3");
            // kubectl describe pod p1's query
            assertThat(names(
                            api.get(CORE + "?fieldSelector=involvedObject.name%3Dp1,involvedObject.namespace%3Ddefault")
                                    .json()))
                    .containsExactly("e1", "e3");
            assertThat(names(api.get(EV1).json())).containsExactly("e1", "e2", "e3");
            // pages come with continue tokens
            JsonNode page = api.get(CORE + "?limit=2").json();
            assertThat(names(page)).containsExactly("e1", "e2");
            String cont = page.path("metadata").path("continue").asText();
            assertThat(names(api.get(CORE + "?limit=2&continue=" + cont).json()))
                    .containsExactly("e3");
            assertThat(api.get(CORE + "/e2").json().path("message").asText()).isEqualTo("m-e2");
            assertThat(api.get(EV1 + "/e2").json().path("note").asText()).isEqualTo("m-e2");
            assertThat(api.get(CORE + "/nope").code()).isEqualTo(404);
        }
    }

    @Test
    void watchesStartWithCurrentOrResumeAfterARevision() throws Exception {
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local())) {
            long rv1 = api.post(CORE, event("w1", "p1"))
                    .json()
                    .path("metadata")
                    .path("resourceVersion")
                    .asLong();
            // no resourceVersion: the current events as ADDED, then what happens, selected by field
            try (TestApiServer.Watch w = api.watch(CORE + "?watch=1&fieldSelector=involvedObject.name%3Dp1")) {
                JsonNode a = w.nextNonBookmark();
                assertThat(a.path("type").asText()).isEqualTo("ADDED");
                assertThat(a.path("object").path("metadata").path("name").asText())
                        .isEqualTo("w1");
                api.post(CORE, event("w2", "p2")); // not selected
                api.post(CORE, event("w3", "p1"));
                JsonNode b = w.nextNonBookmark();
                assertThat(b.path("type").asText()).isEqualTo("ADDED");
                assertThat(b.path("object").path("metadata").path("name").asText())
                        .isEqualTo("w3");
                assertThat(b.path("object").path("kind").asText()).isEqualTo("Event");
                api.delete(CORE + "/w3", null);
                JsonNode d = w.nextNonBookmark();
                assertThat(d.path("type").asText()).isEqualTo("DELETED");
                assertThat(d.path("object")
                                .path("metadata")
                                .path("resourceVersion")
                                .asLong())
                        .isGreaterThan(b.path("object")
                                .path("metadata")
                                .path("resourceVersion")
                                .asLong());
            }
            // from rv1: exactly the changes after it, in order, at the events.k8s.io/v1 version too
            try (TestApiServer.Watch w = api.watch(EV1 + "?watch=1&resourceVersion=" + rv1)) {
                JsonNode a = w.nextNonBookmark();
                assertThat(a.path("type").asText()).isEqualTo("ADDED");
                assertThat(a.path("object").path("metadata").path("name").asText())
                        .isEqualTo("w2");
                assertThat(a.path("object").path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
                assertThat(w.nextNonBookmark()
                                .path("object")
                                .path("metadata")
                                .path("name")
                                .asText())
                        .isEqualTo("w3");
                assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("DELETED");
            }
        }
    }

    @Test
    void watchFromACompactedRevisionIsGone() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        try (TestApiServer api = TestApiServer.start(etcd, ApiServerConfig.local())) {
            long rv = api.post(CORE, event("c1", "p1"))
                    .json()
                    .path("metadata")
                    .path("resourceVersion")
                    .asLong();
            api.post(CORE, event("c2", "p1"));
            api.post(CORE, event("c3", "p1"));
            // etcd keeps the compaction's own revision: c3's; the changes after rv (c2's) are gone
            ETCD.cluster().compact(ETCD.cluster().currentRevision());
            try (TestApiServer.Watch w = api.watch(CORE + "?watch=1&resourceVersion=" + rv)) {
                JsonNode e = w.next();
                assertThat(e.path("type").asText()).isEqualTo("ERROR");
                assertThat(e.path("object").path("code").asInt()).isEqualTo(410);
                assertThat(e.path("object").path("reason").asText()).isEqualTo("Expired");
            }
            // a fresh list still works
            assertThat(names(api.get(CORE).json())).containsExactly("c1", "c2", "c3");
        }
    }
}
