package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** replicasets/x/scale, strategic merge patch of keyed lists, and propagationPolicy on delete. */
@Timeout(120)
class ScalePatchDeleteTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static final String RS = "/apis/apps/v1/namespaces/default/replicasets";

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String rs(String name) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + "\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"template\":{\"metadata\":"
                + "{\"labels\":{\"app\":\"" + name
                + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
    }

    @Test
    void scaleSubresource() {
        assertThat(api.post(RS, rs("web")).code()).isEqualTo(201);
        JsonNode s = api.get(RS + "/web/scale").json();
        assertThat(s.path("kind").asText()).isEqualTo("Scale");
        assertThat(s.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(s.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(s.path("status").path("selector").asText()).isEqualTo("app=web");
        String rv = s.path("metadata").path("resourceVersion").asText();

        Resp put = api.put(
                RS + "/web/scale",
                "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":"
                        + "{\"name\":\"web\",\"resourceVersion\":\"" + rv + "\"},\"spec\":{\"replicas\":5}}");
        assertThat(put.code()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("spec").path("replicas").asInt()).isEqualTo(5);
        JsonNode rs = api.get(RS + "/web").json();
        assertThat(rs.path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(rs.path("metadata").path("generation").asInt()).isEqualTo(2);

        Resp stale = api.put(
                RS + "/web/scale",
                "{\"metadata\":{\"name\":\"web\",\"resourceVersion\":\"" + rv + "\"},\"spec\":{\"replicas\":7}}");
        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.json().path("reason").asText()).isEqualTo("Conflict");

        Resp patch = api.patch(RS + "/web/scale", "application/merge-patch+json", "{\"spec\":{\"replicas\":2}}");
        assertThat(patch.code()).as(patch.body()).isEqualTo(200);
        assertThat(api.get(RS + "/web").json().path("spec").path("replicas").asInt())
                .isEqualTo(2);

        Resp negative = api.patch(RS + "/web/scale", "application/merge-patch+json", "{\"spec\":{\"replicas\":-1}}");
        assertThat(negative.code()).isEqualTo(422);
        assertThat(negative.json().path("message").asText()).contains("spec.replicas", "greater than or equal to 0");
        assertThat(api.get("/api/v1/namespaces/default/pods/x/scale").code()).isEqualTo(404);
        assertThat(api.get("/apis/apps/v1").body()).contains("\"name\":\"replicasets/scale\"");
    }

    @Test
    void strategicMergePatchMergesKeyedLists() {
        Resp c = api.post(
                "/api/v1/namespaces/default/pods",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
                        + "\"name\":\"smp\",\"finalizers\":[\"a/b\",\"c/d\"],\"ownerReferences\":["
                        + "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n1\",\"uid\":\"u1\"},"
                        + "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n2\",\"uid\":\"u2\"}]},"
                        + "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1\",\"env\":[{\"name\":\"X\",\"value\":\"1\"}]},"
                        + "{\"name\":\"b\",\"image\":\"busybox:1\"}]}}");
        assertThat(c.code()).as(c.body()).isEqualTo(201);
        // what `kubectl set image` / `kubectl apply` send: elements by name, with $setElementOrder
        Resp p = api.patch(
                "/api/v1/namespaces/default/pods/smp",
                "application/strategic-merge-patch+json",
                "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
                        + "\"containers\":[{\"name\":\"b\",\"image\":\"busybox:2\"}]}}");
        assertThat(p.code()).as(p.body()).isEqualTo(200);
        JsonNode cs = p.json().path("spec").path("containers");
        assertThat(cs).hasSize(2);
        assertThat(cs.get(0).path("name").asText()).isEqualTo("a");
        assertThat(cs.get(0).path("image").asText()).isEqualTo("nginx:1");
        assertThat(cs.get(0).path("env").toString()).contains("\"X\"");
        assertThat(cs.get(1).path("image").asText()).isEqualTo("busybox:2");
        // $patch: delete by merge key, and $deleteFromPrimitiveList
        Resp del = api.patch(
                "/api/v1/namespaces/default/pods/smp",
                "application/strategic-merge-patch+json",
                "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"u1\",\"$patch\":\"delete\"}],"
                        + "\"$deleteFromPrimitiveList/finalizers\":[\"a/b\"]}}");
        assertThat(del.code()).as(del.body()).isEqualTo(200);
        assertThat(del.json().path("metadata").path("ownerReferences")).hasSize(1);
        assertThat(del.json()
                        .path("metadata")
                        .path("ownerReferences")
                        .get(0)
                        .path("uid")
                        .asText())
                .isEqualTo("u2");
        assertThat(del.json().path("metadata").path("finalizers").toString()).isEqualTo("[\"c/d\"]");
        // the same container patch as a JSON merge patch replaces the whole list (and a pod may not lose one)
        Resp merge = api.patch(
                "/api/v1/namespaces/default/pods/smp",
                "application/merge-patch+json",
                "{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"busybox:3\"}]}}");
        assertThat(merge.code()).isEqualTo(422);
        // unknown directives are refused
        assertThat(api.patch(
                                "/api/v1/namespaces/default/pods/smp",
                                "application/strategic-merge-patch+json",
                                "{\"metadata\":{\"$foo\":1}}")
                        .code())
                .isEqualTo(400);
    }

    @Test
    void orphanClearsOwnerReferencesBackgroundLeavesThem() {
        String rsUid =
                api.post(RS, rs("owner")).json().path("metadata").path("uid").asText();
        String rs2Uid =
                api.post(RS, rs("owner2")).json().path("metadata").path("uid").asText();
        for (String[] p : new String[][] {{"o-1", "owner", rsUid}, {"o-2", "owner2", rs2Uid}}) {
            Resp c = api.post(
                    "/api/v1/namespaces/default/pods",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
                            + "\"name\":\"" + p[0]
                            + "\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                            + "\"name\":\"" + p[1] + "\",\"uid\":\"" + p[2] + "\",\"controller\":true}]},"
                            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
            assertThat(c.code()).as(c.body()).isEqualTo(201);
        }
        // the dependents must be in the watch cache the orphaning reads
        Poll.until(
                Duration.ofSeconds(10),
                "pods cached",
                () -> api.get("/api/v1/namespaces/default/pods?resourceVersion=0")
                        .body()
                        .contains("o-2"));
        Resp orphan = api.delete(
                RS + "/owner",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"," + "\"propagationPolicy\":\"Orphan\"}");
        assertThat(orphan.code()).as(orphan.body()).isEqualTo(200);
        assertThat(api.get(RS + "/owner").code()).isEqualTo(404);
        assertThat(api.get("/api/v1/namespaces/default/pods/o-1")
                        .json()
                        .path("metadata")
                        .has("ownerReferences"))
                .isFalse();

        Resp background = api.delete(RS + "/owner2?propagationPolicy=Background", null);
        assertThat(background.code()).isEqualTo(200);
        assertThat(api.get("/api/v1/namespaces/default/pods/o-2")
                        .json()
                        .path("metadata")
                        .path("ownerReferences")
                        .get(0)
                        .path("uid")
                        .asText())
                .isEqualTo(rs2Uid);
    }

    @Test
    void foregroundMarksTheOwnerAndLeavesItUntilItsFinalizerGoes() {
        api.post(RS, rs("fg"));
        Resp fg = api.delete(
                RS + "/fg",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"," + "\"propagationPolicy\":\"Foreground\"}");
        assertThat(fg.code()).as(fg.body()).isEqualTo(200);
        assertThat(fg.json().path("metadata").path("deletionTimestamp").asText())
                .isNotEmpty();
        assertThat(fg.json().path("metadata").path("finalizers").toString()).isEqualTo("[\"foregroundDeletion\"]");
        // no garbage collector runs here: the owner stays, visible as terminating
        Resp still = api.get(RS + "/fg");
        assertThat(still.code()).isEqualTo(200);
        assertThat(still.json().path("metadata").path("deletionTimestamp").asText())
                .isNotEmpty();
        // a second foreground delete changes nothing
        Resp again = api.delete(RS + "/fg?propagationPolicy=Foreground", null);
        assertThat(again.code()).isEqualTo(200);
        assertThat(again.json().path("metadata").path("resourceVersion").asText())
                .isEqualTo(still.json().path("metadata").path("resourceVersion").asText());
        // whoever removes the last finalizer (the GC, here a client) finishes the delete
        Resp unfinalize = api.patch(RS + "/fg", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
        assertThat(unfinalize.code()).as(unfinalize.body()).isEqualTo(200);
        assertThat(api.get(RS + "/fg").code()).isEqualTo(404);
    }

    @Test
    void setElementOrderReordersAndRetainKeysClears() {
        // a ReplicaSet's pod template (a pod's own containers are immutable)
        Resp c = api.post(
                RS,
                rs("order")
                        .replace(
                                "\"image\":\"nginx\"",
                                "\"image\":\"nginx\",\"env\":["
                                        + "{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"},{\"name\":\"S\",\"value\":\"server\"},"
                                        + "{\"name\":\"C\",\"value\":\"3\"}]"));
        assertThat(c.code()).as(c.body()).isEqualTo(201);
        // kubectl apply's patch: env reordered to C, A, new D, B; S is only on the server: as kube merges it,
        // it goes before C, which the server had after it
        Resp p = api.patch(
                RS + "/order",
                "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"}],\"containers\":[{\"name\":\"c\","
                        + "\"$setElementOrder/env\":[{\"name\":\"C\"},{\"name\":\"A\"},{\"name\":\"D\"},{\"name\":\"B\"}],"
                        + "\"env\":[{\"name\":\"D\",\"value\":\"4\"}]}]}}}}");
        assertThat(p.code()).as(p.body()).isEqualTo(200);
        java.util.List<String> names = new java.util.ArrayList<>();
        p.json()
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("env")
                .forEach(e -> names.add(e.path("name").asText()));
        assertThat(names).containsExactly("S", "C", "A", "D", "B");

        // $retainKeys: the fields of the map not listed are cleared (kubectl sends it for e.g. a volume's source)
        Resp r = api.patch(
                RS + "/order",
                "application/strategic-merge-patch+json",
                "{\"metadata\":{\"labels\":{\"$retainKeys\":[\"keep\"],\"keep\":\"yes\"}}}");
        assertThat(r.code()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("metadata").path("labels").toString()).isEqualTo("{\"keep\":\"yes\"}");
        api.patch(RS + "/order", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"other\":\"x\"}}}");
        Resp retained = api.patch(
                RS + "/order",
                "application/strategic-merge-patch+json",
                "{\"metadata\":{\"labels\":{\"$retainKeys\":[\"keep\"]}}}");
        assertThat(retained.json().path("metadata").path("labels").toString()).isEqualTo("{\"keep\":\"yes\"}");
        // a patch field missing from its own $retainKeys is refused, and nothing changes
        String rv = retained.json().path("metadata").path("resourceVersion").asText();
        Resp bad = api.patch(
                RS + "/order",
                "application/strategic-merge-patch+json",
                "{\"metadata\":{\"labels\":{\"$retainKeys\":[\"keep\"],\"extra\":\"1\"}}}");
        assertThat(bad.code()).isEqualTo(400);
        assertThat(bad.json().path("message").asText()).contains("\"extra\"", "$retainKeys");
        assertThat(api.get(RS + "/order")
                        .json()
                        .path("metadata")
                        .path("resourceVersion")
                        .asText())
                .isEqualTo(rv);
    }
}
