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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a CRD as kube does, against real etcd: the CRD carries the
 * {@code customresourcecleanup.apiextensions.k8s.io} finalizer from its create; a DELETE leaves it
 * Terminating while its objects are deleted (one with a finalizer waits for it, still readable,
 * while creates are refused with kube's 405), and it disappears once the last object is gone.
 */
class CustomResourceCleanupTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    static final String GIZMOS = "/apis/cleanup.example.org/v1/namespaces/default/gizmos";

    static TestApiServer api;
    /** A second replica on the same etcd prefix: both run the cleanup, as kube-apiservers do. */
    static TestApiServer replica;

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        replica = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static final String CRD = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"gizmos.cleanup.example.org"},
             "spec":{"group":"cleanup.example.org","scope":"Namespaced",
              "names":{"plural":"gizmos","kind":"Gizmo"},
              "versions":[{"name":"v1","served":true,"storage":true,
               "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """;

    static String gizmo(String name, String finalizers) {
        return "{\"apiVersion\":\"cleanup.example.org/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"" + name
                + "\",\"finalizers\":" + finalizers + "},\"size\":3}";
    }

    static String condition(JsonNode crd, String type) {
        for (JsonNode c : crd.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path("status").asText() + "/" + c.path("reason").asText();
            }
        }
        return "(no " + type + " condition)";
    }

    @Test
    void aDeletedCrdTerminatesUntilItsObjectsAreGone() {
        Resp created = api.post(CRDS, CRD);
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("metadata").path("finalizers").toString())
                .isEqualTo("[\"customresourcecleanup.apiextensions.k8s.io\"]");
        Poll.until(
                Duration.ofSeconds(10),
                "gizmos to be served",
                () -> api.get(GIZMOS).code() == 200);
        assertThat(api.post(GIZMOS, gizmo("plain", "[]")).code()).isEqualTo(201);
        assertThat(api.post(GIZMOS, gizmo("held", "[\"example.org/hold\"]")).code())
                .isEqualTo(201);

        Resp deleted = api.delete(CRDS + "/gizmos.cleanup.example.org", null);
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("metadata").has("deletionTimestamp")).isTrue();

        Poll.until(
                Duration.ofSeconds(10),
                "the CRD Terminating=True and the object without finalizers gone",
                () -> condition(api.get(CRDS + "/gizmos.cleanup.example.org").json(), "Terminating") + " plain:"
                        + api.get(GIZMOS + "/plain").code(),
                seen -> seen.equals("True/InstanceDeletionInProgress plain:404"));
        Resp held = api.get(GIZMOS + "/held");
        assertThat(held.code()).as("an object with a finalizer is still served").isEqualTo(200);
        assertThat(held.json().path("metadata").has("deletionTimestamp")).isTrue();
        Resp refused = api.post(GIZMOS, gizmo("late", "[]"));
        assertThat(refused.code()).isEqualTo(405);
        assertThat(refused.json().path("message").asText())
                .isEqualTo("create not allowed while custom resource definition is terminating");
        Poll.holds(
                Duration.ofSeconds(2),
                "the CRD to wait for the held object",
                () -> assertThat(api.get(CRDS + "/gizmos.cleanup.example.org").code())
                        .isEqualTo(200));

        // the object's controller lets go: the object goes, then the CRD
        assertThat(api.patch(GIZMOS + "/held", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}")
                        .code())
                .isEqualTo(200);
        Poll.until(
                Duration.ofSeconds(10),
                "the CRD to be gone once its last object is",
                () -> api.get(CRDS + "/gizmos.cleanup.example.org").code(),
                code -> code == 404);
        assertThat(api.get(GIZMOS + "/held").code()).isEqualTo(404);

        // created again, it starts empty and serves creates
        assertThat(api.post(CRDS, CRD).code()).isEqualTo(201);
        Poll.until(
                Duration.ofSeconds(10),
                "gizmos served again, empty",
                () -> api.get(GIZMOS).json().path("items").size(),
                n -> n == 0);
        Poll.until(
                Duration.ofSeconds(10),
                "a create accepted again",
                () -> api.post(GIZMOS, gizmo("again", "[]")).code(),
                code -> code == 201);
    }

    @Test
    void twoReplicasCleaningUpTheSameCrdFinishItOnce() throws Exception {
        String crd = CRD.replace("gizmos", "doodads").replace("Gizmo", "Doodad");
        String doodads = GIZMOS.replace("gizmos", "doodads");
        assertThat(api.post(CRDS, crd).code()).isEqualTo(201);
        Poll.until(
                Duration.ofSeconds(10),
                "doodads served",
                () -> replica.get(doodads).code() == 200);
        for (int i = 0; i < 40; i++) {
            String body = gizmo("d" + i, "[]").replace("Gizmo", "Doodad");
            Resp r = (i % 2 == 0 ? api : replica).post(doodads, body);
            assertThat(r.code()).as(r.body()).isEqualTo(201);
        }
        assertThat(replica.delete(CRDS + "/doodads.cleanup.example.org", null).code())
                .isEqualTo(200);
        Poll.until(
                Duration.ofSeconds(20),
                "the CRD gone, through either replica",
                () -> api.get(CRDS + "/doodads.cleanup.example.org").code() + " "
                        + replica.get(CRDS + "/doodads.cleanup.example.org").code(),
                seen -> seen.equals("404 404"));
        // nothing left in etcd under the resource's prefix
        io.kubelite.kinds.Resource<io.kubelite.api.CustomObject> r = new io.kubelite.kinds.Resource<>(
                "cleanup.example.org",
                "v1",
                "Doodad",
                "doodads",
                true,
                io.kubelite.api.CustomObject.getDefaultInstance(),
                java.util.List.of());
        assertThat(api.store()
                        .of(r)
                        .list(io.kubelite.store.ListOptions.all())
                        .get(5, java.util.concurrent.TimeUnit.SECONDS)
                        .items())
                .isEmpty();
    }
}
