package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Table JSON kube-apiserver answers to {@code Accept: application/json;as=Table;...}:
 * column definitions from the kind registry, rows with typed cells, each row's object as
 * {@code includeObject} asks, list metadata, watch events with one row each and the
 * definitions in the first only, and the Accept negotiation around it.
 */
class TableTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    /** What kubectl get sends. */
    static final String KUBECTL_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,"
            + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    static final String PODS = "/api/v1/namespaces/default/pods";

    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        for (String name : List.of("a", "b")) {
            assertThat(api.post(PODS, TestApiServer.pod(name, "")).code()).isEqualTo(201);
        }
        assertThat(api.post("/apis/apps/v1/namespaces/default/replicasets", """
                                {"metadata":{"name":"rs"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"x"}},
                                 "template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
                                """).code())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aListIsATableWithTheKindsColumnsAndPartialObjectMetadataRows() {
        TestApiServer.Resp r = api.get(PODS, KUBECTL_ACCEPT);
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("Content-Type")).containsExactly("application/json");
        JsonNode t = r.json();
        assertThat(t.get("kind").asText()).isEqualTo("Table");
        assertThat(t.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(t.at("/metadata/resourceVersion").asText()).isNotEmpty();
        List<String> names = new ArrayList<>();
        List<Integer> priorities = new ArrayList<>();
        t.get("columnDefinitions").forEach(c -> {
            names.add(c.get("name").asText());
            priorities.add(c.get("priority").asInt());
            assertThat(c.has("type") && c.has("format") && c.has("description")).isTrue();
        });
        assertThat(names)
                .containsExactly(
                        "Name",
                        "Ready",
                        "Status",
                        "Restarts",
                        "Age",
                        "IP",
                        "Node",
                        "Nominated Node",
                        "Readiness Gates");
        assertThat(priorities).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1);
        assertThat(t.at("/columnDefinitions/0/format").asText()).isEqualTo("name");

        JsonNode rows = t.get("rows");
        assertThat(rows).hasSize(2);
        JsonNode a = rows.get(0);
        assertThat(a.get("cells")).hasSize(9);
        assertThat(a.at("/cells/0").asText()).isEqualTo("a");
        assertThat(a.at("/cells/1").asText()).isEqualTo("0/1");
        assertThat(a.at("/cells/2").asText()).isEqualTo("Pending");
        assertThat(a.at("/cells/6").asText()).isEqualTo("<none>");
        // includeObject defaults to Metadata: the row's object is its PartialObjectMetadata
        assertThat(a.at("/object/kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(a.at("/object/apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(a.at("/object/metadata/name").asText()).isEqualTo("a");
        assertThat(a.at("/object/metadata/namespace").asText()).isEqualTo("default");
        assertThat(a.at("/object/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(a.at("/object/metadata/resourceVersion").asText()).isNotEmpty();
        assertThat(a.at("/object").has("spec")).isFalse();
    }

    @Test
    void includeObjectNoneAndObject() {
        JsonNode none = api.get(PODS + "?includeObject=None", KUBECTL_ACCEPT).json();
        assertThat(none.at("/rows/0/object").isNull()).isTrue();
        JsonNode whole = api.get(PODS + "?includeObject=Object", KUBECTL_ACCEPT).json();
        assertThat(whole.at("/rows/0/object/kind").asText()).isEqualTo("Pod");
        assertThat(whole.at("/rows/0/object/apiVersion").asText()).isEqualTo("v1");
        assertThat(whole.at("/rows/0/object/spec/containers/0/image").asText()).isEqualTo("nginx:1.25");
        TestApiServer.Resp bad = api.get(PODS + "?includeObject=All", KUBECTL_ACCEPT);
        assertThat(bad.code()).isEqualTo(400);
        assertThat(bad.json().get("message").asText())
                .isEqualTo("Unable to convert to Table as requested: includeObject: Unsupported value: \"All\": "
                        + "supported values: \"Metadata\", \"None\", \"Object\"");
    }

    @Test
    void integerCellsAreJsonNumbers() {
        JsonNode t = api.get("/apis/apps/v1/namespaces/default/replicasets", KUBECTL_ACCEPT)
                .json();
        assertThat(t.at("/columnDefinitions/1/type").asText()).isEqualTo("integer");
        assertThat(t.at("/rows/0/cells/1").isIntegralNumber()).isTrue();
        assertThat(t.at("/rows/0/cells/1").asLong()).isEqualTo(2);
        assertThat(t.at("/rows/0/cells/7").asText()).isEqualTo("app=x");
    }

    @Test
    void getOfOneObjectAndV1beta1() {
        JsonNode one = api.get(PODS + "/b", "application/json;as=Table;v=v1beta1;g=meta.k8s.io")
                .json();
        assertThat(one.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        assertThat(one.get("rows")).hasSize(1);
        assertThat(one.at("/rows/0/cells/0").asText()).isEqualTo("b");
        assertThat(one.at("/rows/0/object/apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        // a single object's table carries the object's resourceVersion
        assertThat(one.at("/metadata/resourceVersion").asText())
                .isEqualTo(api.get(PODS + "/b")
                        .json()
                        .at("/metadata/resourceVersion")
                        .asText());
        // a quorum read (resourceVersion unset is served from the cache; an old one from etcd)
        JsonNode fromEtcd = api.get(PODS + "/b?resourceVersion=1&resourceVersionMatch=NotOlderThan", KUBECTL_ACCEPT)
                .json();
        assertThat(fromEtcd.get("kind").asText()).isEqualTo("Table");
    }

    @Test
    void acceptNegotiationFollowsQValuesAndFallsBackToJson() {
        assertThat(api.get(PODS, "application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io")
                        .json()
                        .get("kind")
                        .asText())
                .isEqualTo("Table");
        assertThat(api.get(PODS, "application/json;as=Table;v=v1;g=meta.k8s.io;q=0.1,application/json")
                        .json()
                        .get("kind")
                        .asText())
                .isEqualTo("PodList");
        // a Table kubelite does not serve, then JSON: JSON
        assertThat(api.get(PODS, "application/json;as=Table;v=v2;g=meta.k8s.io,application/json")
                        .json()
                        .get("kind")
                        .asText())
                .isEqualTo("PodList");
        TestApiServer.Resp none = api.get(PODS, "application/json;as=Table;v=v2;g=meta.k8s.io");
        assertThat(none.code()).isEqualTo(406);
        assertThat(none.json().get("reason").asText()).isEqualTo("NotAcceptable");
    }

    @Test
    void aPagedListCarriesTheContinueToken() {
        JsonNode page = api.get(PODS + "?limit=1", KUBECTL_ACCEPT).json();
        assertThat(page.get("rows")).hasSize(1);
        assertThat(page.at("/metadata/continue").asText()).isNotEmpty();
    }

    @Test
    void watchEventsAreOneRowTablesWithDefinitionsOnlyFirst() throws Exception {
        String ns = "/api/v1/namespaces/watched/pods";
        assertThat(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"watched\"}}")
                        .code())
                .isEqualTo(201);
        try (TestApiServer.Watch w = api.watch(ns + "?watch=true", Map.of("Accept", KUBECTL_ACCEPT))) {
            assertThat(api.post(ns, TestApiServer.pod("w1", "")).code()).isEqualTo(201);
            JsonNode first = w.nextNonBookmark();
            assertThat(first.get("type").asText()).isEqualTo("ADDED");
            assertThat(first.at("/object/kind").asText()).isEqualTo("Table");
            assertThat(first.at("/object/columnDefinitions")).hasSize(9);
            assertThat(first.at("/object/rows")).hasSize(1);
            assertThat(first.at("/object/rows/0/cells/0").asText()).isEqualTo("w1");
            assertThat(first.at("/object/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");

            assertThat(api.delete(ns + "/w1", "{\"gracePeriodSeconds\":0}").code())
                    .isEqualTo(200);
            JsonNode next = w.nextNonBookmark();
            while (next.get("type").asText().equals("MODIFIED")) {
                next = w.nextNonBookmark();
            }
            assertThat(next.get("type").asText()).isEqualTo("DELETED");
            assertThat(next.at("/object/kind").asText()).isEqualTo("Table");
            assertThat(next.at("/object/columnDefinitions").isNull()).isTrue();
            assertThat(next.at("/object/rows/0/cells/0").asText()).isEqualTo("w1");
            assertThat(next.at("/object/metadata/resourceVersion").asText())
                    .isEqualTo(next.at("/object/rows/0/object/metadata/resourceVersion")
                            .asText());
        }
    }
}
