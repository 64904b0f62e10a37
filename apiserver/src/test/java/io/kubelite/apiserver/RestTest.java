package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** REST semantics against real etcd: CRUD, lists, selectors, paging, status, binding, graceful delete. */
class RestTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void discoveryAndVersion() {
        assertThat(api.get("/version").json().path("major").asText()).isEqualTo("1");
        assertThat(api.get("/api").json().path("versions").get(0).asText()).isEqualTo("v1");
        JsonNode core = api.get("/api/v1").json();
        assertThat(core.path("kind").asText()).isEqualTo("APIResourceList");
        JsonNode pods = find(core.path("resources"), "pods");
        assertThat(pods.path("namespaced").asBoolean()).isTrue();
        assertThat(pods.path("kind").asText()).isEqualTo("Pod");
        assertThat(pods.path("shortNames").get(0).asText()).isEqualTo("po");
        assertThat(pods.path("verbs").toString()).contains("watch", "create", "deletecollection");
        assertThat(find(core.path("resources"), "nodes").path("namespaced").asBoolean())
                .isFalse();
        assertThat(find(core.path("resources"), "pods/status")).isNotNull();
        JsonNode groups = api.get("/apis").json();
        assertThat(groups.path("groups").toString()).contains("\"name\":\"apps\"", "coordination.k8s.io");
        JsonNode apps = api.get("/apis/apps").json();
        assertThat(apps.path("preferredVersion").path("groupVersion").asText()).isEqualTo("apps/v1");
        assertThat(find(api.get("/apis/apps/v1").json().path("resources"), "replicasets")
                        .path("shortNames")
                        .get(0)
                        .asText())
                .isEqualTo("rs");
        Resp v2 = api.get("/apis/apps/v2");
        assertThat(v2.code()).isEqualTo(404);
        assertThat(v2.json().path("message").asText()).contains("apps/v2 is not served", "v1");
        assertThat(api.get("/apis/apps/v2/replicasets").code()).isEqualTo(404);
        assertThat(api.get("/api/v1/nosuch").code()).isEqualTo(404);
        assertThat(api.get("/healthz").body()).isEqualTo("ok");
        assertThat(api.get("/readyz").code()).isEqualTo(200);
        assertThat(api.get("/metrics").body()).contains("apiserver_request_total");
    }

    @Test
    void requestMetricsCarryKubesVerbsAndLabels() {
        String cms = "/api/v1/namespaces/default/configmaps";
        assertThat(api.post(cms, "{\"metadata\":{\"name\":\"metrics-cm\"}}").code())
                .isEqualTo(201);
        api.get(cms + "/metrics-cm");
        api.get(cms);
        api.get("/api/v1/configmaps");
        api.patch(
                cms + "/metrics-cm?fieldManager=test",
                "application/apply-patch+yaml",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"metrics-cm\"},"
                        + "\"data\":{\"a\":\"b\"}}");
        api.get(cms + "/nosuch");
        String m = api.get("/metrics").body();
        String common = "component=\"apiserver\",dry_run=\"\",group=\"\",resource=\"configmaps\",";
        assertThat(m)
                .contains("apiserver_request_total{code=\"201\"," + common
                        + "scope=\"namespace\",subresource=\"\",verb=\"POST\",version=\"v1\"} 1.0")
                .contains("apiserver_request_total{code=\"200\"," + common
                        + "scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"} 1.0")
                .contains("apiserver_request_total{code=\"404\"," + common
                        + "scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"} 1.0")
                .contains("apiserver_request_total{code=\"200\"," + common
                        + "scope=\"namespace\",subresource=\"\",verb=\"LIST\",version=\"v1\"} 1.0")
                .contains("apiserver_request_total{code=\"200\"," + common
                        + "scope=\"cluster\",subresource=\"\",verb=\"LIST\",version=\"v1\"} 1.0")
                .contains("apiserver_request_total{code=\"200\"," + common
                        + "scope=\"resource\",subresource=\"\",verb=\"APPLY\",version=\"v1\"} 1.0")
                .contains("apiserver_request_duration_seconds_bucket{" + common
                        + "scope=\"namespace\",subresource=\"\",verb=\"POST\",version=\"v1\",le=\"60.0\"} 1");
    }

    private static JsonNode find(JsonNode arr, String name) {
        for (JsonNode n : arr) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name + " not in " + arr);
    }

    @Test
    void createGetAndDefaults() {
        Resp c = api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("web-1", ""));
        assertThat(c.code()).as(c.body()).isEqualTo(201);
        JsonNode p = c.json();
        assertThat(p.path("kind").asText()).isEqualTo("Pod");
        assertThat(p.path("metadata").path("uid").asText()).isNotEmpty();
        assertThat(p.path("metadata").path("creationTimestamp").asText()).endsWith("Z");
        assertThat(p.path("metadata").path("namespace").asText()).isEqualTo("default");
        JsonNode spec = p.path("spec");
        assertThat(spec.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(spec.path("terminationGracePeriodSeconds").asLong()).isEqualTo(30);
        assertThat(spec.path("schedulerName").asText()).isEqualTo("default-scheduler");
        // serviceAccountName: the ServiceAccount plugin is off here (KubectlAdmissionTest covers it)
        assertThat(spec.path("tolerations").toString())
                .contains(
                        "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "\"tolerationSeconds\":300");
        assertThat(p.path("status").path("phase").asText()).isEqualTo("Pending");

        Resp g = api.get("/api/v1/namespaces/default/pods/web-1");
        assertThat(g.code()).isEqualTo(200);
        assertThat(g.json().path("metadata").path("resourceVersion").asText())
                .isEqualTo(p.path("metadata").path("resourceVersion").asText());

        Resp dup = api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("web-1", ""));
        assertThat(dup.code()).isEqualTo(409);
        assertThat(dup.json().path("reason").asText()).isEqualTo("AlreadyExists");
        assertThat(dup.json().path("message").asText()).isEqualTo("pods \"web-1\" already exists");

        Resp missing = api.get("/api/v1/namespaces/default/pods/nope");
        assertThat(missing.code()).isEqualTo(404);
        JsonNode st = missing.json();
        assertThat(st.path("kind").asText()).isEqualTo("Status");
        assertThat(st.path("status").asText()).isEqualTo("Failure");
        assertThat(st.path("message").asText()).isEqualTo("pods \"nope\" not found");
        assertThat(st.path("details").path("kind").asText()).isEqualTo("pods");
        assertThat(st.path("code").asInt()).isEqualTo(404);

        Resp gen = api.post(
                "/api/v1/namespaces/default/pods",
                TestApiServer.pod("", "").replace("\"name\":\"\"", "\"generateName\":\"gen-\""));
        assertThat(gen.code()).isEqualTo(201);
        assertThat(gen.json().path("metadata").path("name").asText())
                .startsWith("gen-")
                .hasSize(9);

        // cluster-scoped
        Resp n = api.post("/api/v1/nodes", TestApiServer.node("node-a"));
        assertThat(n.code()).as(n.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/nodes/node-a").json().path("metadata").has("namespace"))
                .isFalse();
        // no such namespace
        Resp nons = api.post("/api/v1/namespaces/nosuch/pods", TestApiServer.pod("x", ""));
        assertThat(nons.code()).isEqualTo(404);
        assertThat(nons.json().path("message").asText()).isEqualTo("namespaces \"nosuch\" not found");
    }

    @Test
    void listsSelectorsPagingAndCache() {
        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"lists\"}}");
        for (int i = 0; i < 5; i++) {
            String extra = i < 2 ? ",\"nodeName\":\"n1\"" : "";
            Resp c = api.post(
                    "/api/v1/namespaces/lists/pods",
                    TestApiServer.pod("p" + i, extra)
                            .replace("\"app\":\"web\"", "\"app\":\"" + (i % 2 == 0 ? "even" : "odd") + "\""));
            assertThat(c.code()).as(c.body()).isEqualTo(201);
        }
        JsonNode all = api.get("/api/v1/namespaces/lists/pods").json();
        assertThat(all.path("kind").asText()).isEqualTo("PodList");
        assertThat(all.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(all.path("metadata").path("resourceVersion").asText()).isNotEmpty();
        assertThat(all.path("items")).hasSize(5);
        assertThat(all.path("items").get(0).has("kind")).isFalse();
        assertThat(names(api.get("/api/v1/namespaces/lists/pods?labelSelector=app%3Deven")
                        .json()))
                .containsExactly("p0", "p2", "p4");
        assertThat(names(api.get("/api/v1/namespaces/lists/pods?labelSelector=app+in+(odd)")
                        .json()))
                .containsExactly("p1", "p3");
        assertThat(names(api.get("/api/v1/namespaces/lists/pods?labelSelector=app!%3Deven")
                        .json()))
                .containsExactly("p1", "p3");
        assertThat(names(api.get("/api/v1/namespaces/lists/pods?fieldSelector=spec.nodeName%3Dn1")
                        .json()))
                .containsExactly("p0", "p1");
        assertThat(names(api.get("/api/v1/namespaces/lists/pods?fieldSelector=metadata.name%3Dp3")
                        .json()))
                .containsExactly("p3");
        assertThat(names(api.get("/api/v1/namespaces/lists/pods?fieldSelector=status.phase%3DPending,spec.nodeName%3D")
                        .json()))
                .containsExactly("p2", "p3", "p4");
        Resp badField = api.get("/api/v1/namespaces/lists/pods?fieldSelector=spec.bogus%3Dx");
        assertThat(badField.code()).isEqualTo(400);
        assertThat(badField.json().path("message").asText()).isEqualTo("field label not supported: spec.bogus");
        assertThat(api.get("/api/v1/namespaces/lists/pods?labelSelector=a%3D%3D%3Db%21")
                        .code())
                .isEqualTo(400);

        // paging
        JsonNode page1 = api.get("/api/v1/namespaces/lists/pods?limit=2").json();
        assertThat(names(page1)).containsExactly("p0", "p1");
        String cont = page1.path("metadata").path("continue").asText();
        assertThat(cont).isNotEmpty();
        JsonNode page2 = api.get("/api/v1/namespaces/lists/pods?limit=2&continue=" + cont)
                .json();
        assertThat(names(page2)).containsExactly("p2", "p3");
        JsonNode page3 = api.get("/api/v1/namespaces/lists/pods?limit=2&continue="
                        + page2.path("metadata").path("continue").asText())
                .json();
        assertThat(names(page3)).containsExactly("p4");
        assertThat(page3.path("metadata").has("continue")).isFalse();

        // resourceVersion=0 is served from the watch cache and is the same set
        long rv = all.path("metadata").path("resourceVersion").asLong();
        io.kubelite.store.testing.Poll.until(
                java.time.Duration.ofSeconds(10),
                "cache caught up",
                () -> api.server().cache(PodKind.RESOURCE).revision() >= rv);
        JsonNode cached =
                api.get("/api/v1/namespaces/lists/pods?resourceVersion=0").json();
        assertThat(names(cached)).containsExactly("p0", "p1", "p2", "p3", "p4");
        assertThat(api.get("/api/v1/namespaces/lists/pods/p1?resourceVersion=0").code())
                .isEqualTo(200);
        // cluster-wide
        assertThat(names(api.get("/api/v1/pods?labelSelector=app%3Dodd").json()))
                .contains("p1", "p3");
        assertThat(names(api.get("/api/v1/pods?resourceVersion=0&labelSelector=app%3Dodd")
                        .json()))
                .contains("p1", "p3");
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : list.path("items")) {
            out.add(i.path("metadata").path("name").asText());
        }
        return out;
    }

    @Test
    void updateConflictAndPatches() {
        JsonNode p = api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("upd", ""))
                .json();
        String rv = p.path("metadata").path("resourceVersion").asText();
        ((com.fasterxml.jackson.databind.node.ObjectNode) p.path("metadata"))
                .putObject("labels")
                .put("v", "2");
        Resp u = api.put("/api/v1/namespaces/default/pods/upd", p.toString());
        assertThat(u.code()).as(u.body()).isEqualTo(200);
        assertThat(u.json().path("metadata").path("labels").path("v").asText()).isEqualTo("2");
        assertThat(u.json().path("metadata").path("resourceVersion").asText()).isNotEqualTo(rv);
        // the same body again carries the old resourceVersion
        Resp stale = api.put("/api/v1/namespaces/default/pods/upd", p.toString());
        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.json().path("reason").asText()).isEqualTo("Conflict");
        assertThat(stale.json().path("message").asText())
                .isEqualTo(
                        "Operation cannot be fulfilled on pods \"upd\": "
                                + "the object has been modified; please apply your changes to the latest version and try again");
        // name mismatch
        Resp mismatch = api.put("/api/v1/namespaces/default/pods/other", u.body());
        assertThat(mismatch.code()).isEqualTo(400);
        assertThat(mismatch.json().path("message").asText())
                .isEqualTo("the name of the object (upd) does not match the name on the URL (other)");
        // merge patch
        Resp mp = api.patch(
                "/api/v1/namespaces/default/pods/upd",
                "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"v\":null,\"w\":\"x\"}}}");
        assertThat(mp.code()).as(mp.body()).isEqualTo(200);
        assertThat(mp.json().path("metadata").path("labels").has("v")).isFalse();
        assertThat(mp.json().path("metadata").path("labels").path("w").asText()).isEqualTo("x");
        // json patch
        Resp jp = api.patch(
                "/api/v1/namespaces/default/pods/upd",
                "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"nginx:1.26\"}]");
        assertThat(jp.code()).as(jp.body()).isEqualTo(200);
        assertThat(jp.json()
                        .path("spec")
                        .path("containers")
                        .get(0)
                        .path("image")
                        .asText())
                .isEqualTo("nginx:1.26");
        // immutable spec field
        Resp imm = api.patch(
                "/api/v1/namespaces/default/pods/upd",
                "application/merge-patch+json",
                "{\"spec\":{\"restartPolicy\":\"Never\"}}");
        assertThat(imm.code()).isEqualTo(422);
        assertThat(imm.json().path("message").asText())
                .startsWith("Pod \"upd\" is invalid: spec: Forbidden: pod updates may not change fields");
        Resp badType = api.patch("/api/v1/namespaces/default/pods/upd", "text/plain", "{}");
        assertThat(badType.code()).isEqualTo(415);
    }

    @Test
    void statusSubresourceAndBinding() {
        api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("st", ""));
        JsonNode cur = api.get("/api/v1/namespaces/default/pods/st").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) cur.path("status")).put("phase", "Running");
        ((com.fasterxml.jackson.databind.node.ObjectNode) cur.path("metadata"))
                .putObject("labels")
                .put("changed", "yes");
        Resp s = api.put("/api/v1/namespaces/default/pods/st/status", cur.toString());
        assertThat(s.code()).as(s.body()).isEqualTo(200);
        assertThat(s.json().path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(s.json().path("metadata").path("labels").has("changed")).isFalse();
        // the main resource ignores status
        Resp m = api.patch(
                "/api/v1/namespaces/default/pods/st",
                "application/merge-patch+json",
                "{\"status\":{\"phase\":\"Failed\"}}");
        assertThat(m.json().path("status").path("phase").asText()).isEqualTo("Running");

        String binding =
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"st\"},\"target\":{\"kind\":\"Node\",\"name\":\"node-b\"}}";
        Resp b = api.post("/api/v1/namespaces/default/pods/st/binding", binding);
        assertThat(b.code()).as(b.body()).isEqualTo(201);
        JsonNode bound = api.get("/api/v1/namespaces/default/pods/st").json();
        assertThat(bound.path("spec").path("nodeName").asText()).isEqualTo("node-b");
        assertThat(bound.path("status").path("conditions").toString()).contains("PodScheduled");
        Resp again = api.post("/api/v1/namespaces/default/pods/st/binding", binding);
        assertThat(again.code()).isEqualTo(409);
        assertThat(again.json().path("message").asText()).contains("is already assigned to node \"node-b\"");
    }

    @Test
    void deletes() {
        // unbound: removed at once, the object is returned
        api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("del-1", ""));
        Resp d = api.delete("/api/v1/namespaces/default/pods/del-1", null);
        assertThat(d.code()).isEqualTo(200);
        assertThat(d.json().path("metadata").path("name").asText()).isEqualTo("del-1");
        assertThat(api.get("/api/v1/namespaces/default/pods/del-1").code()).isEqualTo(404);
        assertThat(api.delete("/api/v1/namespaces/default/pods/del-1", null).code())
                .isEqualTo(404);

        // bound to an existing node: graceful
        api.post("/api/v1/nodes", TestApiServer.node("node-del"));
        io.kubelite.store.testing.Poll.until(
                java.time.Duration.ofSeconds(10),
                "node cached",
                () -> api.server().cache(NodeKind.RESOURCE).get(null, "node-del") != null);
        api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("del-2", ",\"nodeName\":\"node-del\""));
        Resp g = api.delete("/api/v1/namespaces/default/pods/del-2", null);
        assertThat(g.code()).isEqualTo(200);
        assertThat(g.json().path("metadata").path("deletionGracePeriodSeconds").asLong())
                .isEqualTo(30);
        assertThat(g.json().path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
        assertThat(api.get("/api/v1/namespaces/default/pods/del-2").code()).isEqualTo(200);
        // explicit grace period in DeleteOptions
        api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("del-3", ",\"nodeName\":\"node-del\""));
        Resp g5 = api.delete(
                "/api/v1/namespaces/default/pods/del-3",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":5}");
        assertThat(g5.json().path("metadata").path("deletionGracePeriodSeconds").asLong())
                .isEqualTo(5);
        // grace 0 = forced
        assertThat(api.delete("/api/v1/namespaces/default/pods/del-2?gracePeriodSeconds=0", null)
                        .code())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/namespaces/default/pods/del-2").code()).isEqualTo(404);

        // preconditions
        api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("del-4", ""));
        Resp pre = api.delete("/api/v1/namespaces/default/pods/del-4", "{\"preconditions\":{\"uid\":\"nope\"}}");
        assertThat(pre.code()).isEqualTo(409);
        assertThat(pre.json().path("message").asText()).contains("Precondition failed: UID in precondition: nope");
        assertThat(api.get("/api/v1/namespaces/default/pods/del-4").code()).isEqualTo(200);
        Resp badPolicy = api.delete("/api/v1/namespaces/default/pods/del-4", "{\"propagationPolicy\":\"Sometimes\"}");
        assertThat(badPolicy.code()).isEqualTo(422);
        assertThat(api.delete("/api/v1/namespaces/default/pods/del-4", "{\"propagationPolicy\":\"Background\"}")
                        .code())
                .isEqualTo(200);

        // non-pod deletes answer a Success Status
        Resp nd = api.delete("/api/v1/nodes/node-del", null);
        assertThat(nd.code()).isEqualTo(200);
        assertThat(nd.json().path("status").asText()).isEqualTo("Success");
        assertThat(nd.json().path("details").path("name").asText()).isEqualTo("node-del");
    }

    @Test
    void namespaceDeleteOnlyMarksItTerminating() {
        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"gone\"}}");
        assertThat(api.post("/api/v1/namespaces/gone/pods", TestApiServer.pod("a", ""))
                        .code())
                .isEqualTo(201);
        Resp d = api.delete("/api/v1/namespaces/gone", null);
        assertThat(d.code()).isEqualTo(200);
        assertThat(d.json().path("status").path("phase").asText()).isEqualTo("Terminating");
        assertThat(d.json().path("metadata").has("deletionTimestamp")).isTrue();
        assertThat(d.json().path("spec").path("finalizers").toString()).isEqualTo("[\"kubernetes\"]");
        // the namespace controller (not running here) empties it: see KubectlNamespaceDeletionTest
        assertThat(api.get("/api/v1/namespaces/gone/pods/a").code()).isEqualTo(200);
        assertThat(api.delete("/api/v1/namespaces/gone", null).code()).isEqualTo(200);
        assertThat(api.get("/api/v1/namespaces/gone").code()).isEqualTo(200);
    }
}
