package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Aggregated discovery negotiated by Accept (kubectl's header, v2beta1, plain JSON) next to
 * the legacy documents; events.k8s.io/v1 Events over the same storage as v1 Events, each
 * verb converting as kube does.
 */
class DiscoveryAndEventsV1Test {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    static final String EV1 = "/apis/events.k8s.io/v1/namespaces/default/events";
    static final String CORE = "/api/v1/namespaces/default/events";

    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static HttpResponse<String> get(String path, String accept) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + path))
                                .header("Accept", accept)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestApiServer.JSON.readTree(r.body());
    }

    @Test
    void kubectlsAcceptGetsTheAggregatedDocument() throws Exception {
        HttpResponse<String> apis = get("/apis", KUBECTL_ACCEPT);
        assertThat(apis.statusCode()).isEqualTo(200);
        assertThat(apis.headers().firstValue("Content-Type"))
                .contains("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        JsonNode doc = json(apis);
        assertThat(doc.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        assertThat(doc.path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
        List<String> groups = new ArrayList<>();
        doc.path("items")
                .forEach(g -> groups.add(g.path("metadata").path("name").asText()));
        assertThat(groups)
                .containsExactly(
                        "apps",
                        "events.k8s.io",
                        "authentication.k8s.io",
                        "authorization.k8s.io",
                        "coordination.k8s.io",
                        "discovery.k8s.io",
                        "policy",
                        "rbac.authorization.k8s.io",
                        "batch",
                        "autoscaling",
                        "storage.k8s.io",
                        "apiextensions.k8s.io",
                        "apiregistration.k8s.io");
        JsonNode deployments = resource(doc, "apps", "deployments");
        assertThat(deployments.path("shortNames").toString()).isEqualTo("[\"deploy\"]");
        assertThat(deployments.path("subresources").toString()).contains("\"status\"", "\"scale\"");
        JsonNode ssar = resource(doc, "authorization.k8s.io", "selfsubjectaccessreviews");
        assertThat(ssar.toString())
                .isEqualTo(
                        "{\"resource\":\"selfsubjectaccessreviews\",\"responseKind\":{\"group\":\"authorization.k8s.io\","
                                + "\"version\":\"v1\",\"kind\":\"SelfSubjectAccessReview\"},\"scope\":\"Cluster\","
                                + "\"singularResource\":\"selfsubjectaccessreview\",\"verbs\":[\"create\"]}");
        JsonNode rs = resource(doc, "apps", "replicasets");
        assertThat(rs.path("shortNames").toString()).isEqualTo("[\"rs\"]");
        assertThat(rs.path("subresources").toString())
                .contains("{\"subresource\":\"scale\",\"responseKind\":{\"group\":\"autoscaling\",\"version\":\"v1\","
                        + "\"kind\":\"Scale\"},\"verbs\":[\"get\",\"patch\",\"update\"]}");
        assertThat(resource(doc, "events.k8s.io", "events").path("responseKind").toString())
                .isEqualTo("{\"group\":\"events.k8s.io\",\"version\":\"v1\",\"kind\":\"Event\"}");

        JsonNode core = json(get("/api", KUBECTL_ACCEPT));
        assertThat(core.path("items")).hasSize(1);
        assertThat(core.path("items").get(0).path("metadata").has("name")).isFalse();
        JsonNode pods = resource(core, "", "pods");
        assertThat(pods.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(pods.path("verbs")).hasSize(8);
        List<String> subs = new ArrayList<>();
        pods.path("subresources")
                .forEach(s -> subs.add(s.path("subresource").asText() + ":"
                        + s.path("responseKind").path("kind").asText()));
        assertThat(subs)
                .containsExactly(
                        "attach:PodAttachOptions",
                        "binding:Binding",
                        "eviction:Eviction",
                        "exec:PodExecOptions",
                        "log:Pod",
                        "status:Pod");
    }

    static JsonNode resource(JsonNode doc, String group, String plural) {
        for (JsonNode g : doc.path("items")) {
            if (g.path("metadata").path("name").asText().equals(group)) {
                for (JsonNode r : g.path("versions").get(0).path("resources")) {
                    if (r.path("resource").asText().equals(plural)) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError(group + "/" + plural + " not in " + doc);
    }

    @Test
    void v2beta1OnlyAndPlainJsonAreNegotiated() throws Exception {
        HttpResponse<String> beta =
                get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
        assertThat(beta.headers().firstValue("Content-Type"))
                .contains("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
        assertThat(json(beta).path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
        HttpResponse<String> plain = get("/apis", "application/json, */*");
        assertThat(plain.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(json(plain).path("kind").asText()).isEqualTo("APIGroupList");
        // the legacy resource list also says what a create-only kind serves
        JsonNode authz = json(get("/apis/authorization.k8s.io/v1", "application/json"));
        assertThat(authz.path("resources").get(0).path("verbs").toString()).isEqualTo("[\"create\"]");
    }

    @Test
    void aCoreEventReadsAsAnEventsV1Event() throws Exception {
        String core = "{\"metadata\":{\"name\":\"web.1\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web\","
                + "\"namespace\":\"default\"},\"reason\":\"Scheduled\",\"message\":\"assigned\",\"type\":\"Normal\","
                + "\"source\":{\"component\":\"default-scheduler\"},\"count\":2,"
                + "\"firstTimestamp\":\"2024-05-01T10:00:00Z\",\"lastTimestamp\":\"2024-05-01T10:00:05Z\","
                + "\"reportingComponent\":\"default-scheduler\",\"reportingInstance\":\"sched-1\"}";
        assertThat(api.post(CORE, core).code()).isEqualTo(201);
        JsonNode e = api.get(EV1 + "/web.1").json();
        assertThat(e.path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        assertThat(e.path("kind").asText()).isEqualTo("Event");
        assertThat(e.path("regarding").path("name").asText()).isEqualTo("web");
        assertThat(e.path("note").asText()).isEqualTo("assigned");
        assertThat(e.path("reportingController").asText()).isEqualTo("default-scheduler");
        assertThat(e.path("reportingInstance").asText()).isEqualTo("sched-1");
        assertThat(e.path("deprecatedSource").path("component").asText()).isEqualTo("default-scheduler");
        assertThat(e.path("deprecatedCount").asInt()).isEqualTo(2);
        assertThat(e.path("deprecatedFirstTimestamp").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(e.path("deprecatedLastTimestamp").asText()).isEqualTo("2024-05-01T10:00:05Z");
        assertThat(e.has("involvedObject") || e.has("message") || e.has("source"))
                .isFalse();

        // resourceVersion=0 may be served from a cache that has not seen the create yet, as in kube
        JsonNode list = Poll.until(
                Duration.ofSeconds(10),
                "the event in a resourceVersion=0 list of events.k8s.io",
                () -> api.get(EV1 + "?resourceVersion=0").json(),
                l -> l.path("items").size() == 1);
        assertThat(list.path("kind").asText()).isEqualTo("EventList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        assertThat(list.path("items").get(0).path("note").asText()).isEqualTo("assigned");
        assertThat(api.get(EV1).json().path("items").get(0).path("note").asText())
                .isEqualTo("assigned");
    }

    @Test
    void anEventsV1EventIsStoredAsACoreEventAndWatchedInItsOwnShape() throws Exception {
        try (TestApiServer.Watch w =
                api.watch(EV1 + "?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dnew.1")) {
            String v1 = "{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"new.1\"},"
                    + "\"eventTime\":\"2024-05-01T10:00:00.123456Z\",\"reportingController\":\"kubelite.io/x\","
                    + "\"reportingInstance\":\"x-1\",\"action\":\"Pulling\",\"reason\":\"Pulling\","
                    + "\"regarding\":{\"kind\":\"Pod\",\"name\":\"web\",\"namespace\":\"default\"},"
                    + "\"note\":\"pulling image\",\"type\":\"Normal\","
                    + "\"series\":{\"count\":3,\"lastObservedTime\":\"2024-05-01T10:00:09.5Z\"}}";
            TestApiServer.Resp created = api.post(EV1, v1);
            assertThat(created.code()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
            JsonNode added = w.nextNonBookmark();
            assertThat(added.path("type").asText()).isEqualTo("ADDED");
            assertThat(added.path("object").path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
            assertThat(added.path("object").path("note").asText()).isEqualTo("pulling image");

            JsonNode core = api.get(CORE + "/new.1").json();
            assertThat(core.path("involvedObject").path("name").asText()).isEqualTo("web");
            assertThat(core.path("message").asText()).isEqualTo("pulling image");
            assertThat(core.path("reportingComponent").asText()).isEqualTo("kubelite.io/x");
            assertThat(core.path("series").path("count").asInt()).isEqualTo(3);
            assertThat(core.path("eventTime").asText()).isEqualTo("2024-05-01T10:00:00.123456Z");

            TestApiServer.Resp patched =
                    api.patch(EV1 + "/new.1", "application/merge-patch+json", "{\"note\":\"pulled\"}");
            assertThat(patched.code()).as(patched.body()).isEqualTo(200);
            assertThat(patched.json().path("note").asText()).isEqualTo("pulled");
            assertThat(api.get(CORE + "/new.1").json().path("message").asText()).isEqualTo("pulled");
            JsonNode modified = w.nextNonBookmark();
            assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
            assertThat(modified.path("object").path("note").asText()).isEqualTo("pulled");

            assertThat(api.delete(EV1 + "/new.1", null).code()).isEqualTo(200);
            assertThat(api.get(CORE + "/new.1").code()).isEqualTo(404);
            assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("DELETED");
        }
    }
}
