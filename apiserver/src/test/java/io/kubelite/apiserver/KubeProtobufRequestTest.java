package io.kubelite.apiserver;

import static io.kubelite.apiserver.KubeProtobufTest.recording;
import static io.kubelite.apiserver.KubeProtobufTest.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.Binding;
import io.kubelite.api.ConfigMap;
import io.kubelite.api.DeleteOptions;
import io.kubelite.api.Eviction;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.Preconditions;
import io.kubelite.api.Scale;
import io.kubelite.api.ScaleSpec;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kubernetes' protobuf request bodies over HTTP: create, update and the subresources that take a
 * body, each as its JSON twin; broken bodies are 400s that write nothing.
 */
@Timeout(120)
class KubeProtobufRequestTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String PROTOBUF = KubeProtobuf.MEDIA_TYPE;
    static TestApiServer api;
    static String prefix;

    @BeforeAll
    static void start() throws Exception {
        prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void kubectlsCreateBodiesAreCreated() {
        Resp ns =
                api.requestBytes("POST", "/api/v1/namespaces?fieldValidation=Strict", PROTOBUF, recording("namespace"));
        assertThat(ns.code()).as(ns.body()).isEqualTo(201);
        assertThat(ns.json().path("status").path("phase").asText()).isEqualTo("Active");

        Resp cm = api.requestBytes(
                "POST",
                "/api/v1/namespaces/team-a/configmaps?fieldManager=kubectl-create&fieldValidation=Strict",
                PROTOBUF,
                recording("configmap"));
        assertThat(cm.code()).as(cm.body()).isEqualTo(201);
        assertThat(cm.header("Warning")).isEmpty();
        JsonNode got =
                api.get("/api/v1/namespaces/team-a/configmaps/web-config").json();
        assertThat(got.path("data").path("greeting").asText()).isEqualTo("hello");
        assertThat(got.path("binaryData").path("blob").asText()).isEqualTo("YmluAP/+");
        assertThat(got.path("metadata")
                        .path("managedFields")
                        .get(0)
                        .path("manager")
                        .asText())
                .isEqualTo("kubectl-create");

        Resp pod = api.requestBytes("POST", "/api/v1/namespaces/default/pods", PROTOBUF, recording("pod"));
        assertThat(pod.code()).as(pod.body()).isEqualTo(201);
        // every field kubectl debug set is modelled (#15): no unknown-field warning
        assertThat(pod.header("Warning")).isEmpty();
        assertThat(pod.json()
                        .path("spec")
                        .path("containers")
                        .get(0)
                        .path("resources")
                        .path("limits")
                        .path("cpu")
                        .asText())
                .isEqualTo("1");
    }

    @Test
    void reviewsAreAnswered() {
        Resp r = api.requestBytes(
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                PROTOBUF,
                recording("selfsubjectaccessreview"));
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("status").path("allowed").asBoolean()).isTrue();
        assertThat(r.json()
                        .path("spec")
                        .path("resourceAttributes")
                        .path("subresource")
                        .asText())
                .isEqualTo("log");

        Resp rules = api.requestBytes(
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                PROTOBUF,
                recording("selfsubjectrulesreview"));
        assertThat(rules.code()).as(rules.body()).isEqualTo(201);

        Resp who = api.requestBytes(
                "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", PROTOBUF, recording("selfsubjectreview"));
        assertThat(who.code()).as(who.body()).isEqualTo(201);
        assertThat(who.json().path("status").path("userInfo").path("username").asText())
                .isNotEmpty();
    }

    @Test
    void anUpdateInProtobufIsAPut() throws Exception {
        String path = "/api/v1/namespaces/default/configmaps";
        assertThat(api.post(path, "{\"metadata\":{\"name\":\"put-me\"},\"data\":{\"a\":\"1\"}}")
                        .code())
                .isEqualTo(201);
        ConfigMap current = ApiJson.parse(api.get(path + "/put-me").body(), ConfigMap.getDefaultInstance())
                .message();
        // kubelite's own encoding is kube's but for managedFields' fieldsV1 (a Struct here, JSON
        // bytes in kube's FieldsV1): what kube's client would send has none of it
        ConfigMap next = current.toBuilder()
                .clearApiVersion()
                .clearKind()
                .setMetadata(current.getMetadata().toBuilder().clearManagedFields())
                .putData("a", "2")
                .build();
        Resp put = api.requestBytes("PUT", path + "/put-me", PROTOBUF, wrap("v1", "ConfigMap", next.toByteArray()));
        assertThat(put.code()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("data").path("a").asText()).isEqualTo("2");

        // the same object again: its resourceVersion is stale now
        Resp stale = api.requestBytes("PUT", path + "/put-me", PROTOBUF, wrap("v1", "ConfigMap", next.toByteArray()));
        assertThat(stale.code()).as(stale.body()).isEqualTo(409);
        assertThat(stale.json().path("reason").asText()).isEqualTo("Conflict");
    }

    @Test
    void bindingEvictionScaleAndDeleteOptionsInProtobuf() {
        String pods = "/api/v1/namespaces/default/pods";
        assertThat(api.post("/api/v1/nodes", TestApiServer.node("node-1")).code())
                .isEqualTo(201);
        assertThat(api.post(pods, TestApiServer.pod("bound", "")).code()).isEqualTo(201);
        Binding binding = Binding.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("bound"))
                .setTarget(ObjectReference.newBuilder().setKind("Node").setName("node-1"))
                .build();
        Resp bind = api.requestBytes(
                "POST", pods + "/bound/binding", PROTOBUF, wrap("v1", "Binding", binding.toByteArray()));
        assertThat(bind.code()).as(bind.body()).isEqualTo(201);
        assertThat(api.get(pods + "/bound").json().path("spec").path("nodeName").asText())
                .isEqualTo("node-1");

        assertThat(api.post(pods, TestApiServer.pod("evict-me", "")).code()).isEqualTo(201);
        Eviction eviction = Eviction.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("evict-me").setNamespace("default"))
                .setDeleteOptions(DeleteOptions.newBuilder().setGracePeriodSeconds(0))
                .build();
        Resp evicted = api.requestBytes(
                "POST", pods + "/evict-me/eviction", PROTOBUF, wrap("policy/v1", "Eviction", eviction.toByteArray()));
        assertThat(evicted.code()).as(evicted.body()).isEqualTo(201);
        assertThat(api.get(pods + "/evict-me").code())
                .as("pending, so gone at once")
                .isEqualTo(404);

        String rs = "/apis/apps/v1/namespaces/default/replicasets";
        assertThat(api.post(rs, ScalePatchDeleteTest.rs("scaled")).code()).isEqualTo(201);
        Scale scale = Scale.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("scaled"))
                .setSpec(ScaleSpec.newBuilder().setReplicas(7))
                .build();
        Resp scaled = api.requestBytes(
                "PUT", rs + "/scaled/scale", PROTOBUF, wrap("autoscaling/v1", "Scale", scale.toByteArray()));
        assertThat(scaled.code()).as(scaled.body()).isEqualTo(200);
        assertThat(api.get(rs + "/scaled").json().path("spec").path("replicas").asInt())
                .isEqualTo(7);

        assertThat(api.post(pods, TestApiServer.pod("guarded", "")).code()).isEqualTo(201);
        DeleteOptions wrongUid = DeleteOptions.newBuilder()
                .setPreconditions(Preconditions.newBuilder().setUid("not-the-uid"))
                .build();
        Resp refused = api.requestBytes(
                "DELETE", pods + "/guarded", PROTOBUF, wrap("meta.k8s.io/v1", "DeleteOptions", wrongUid.toByteArray()));
        assertThat(refused.code()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("message").asText())
                .contains("Precondition failed: UID in precondition: not-the-uid");
        Resp deleted = api.requestBytes(
                "DELETE",
                pods + "/guarded",
                PROTOBUF,
                wrap(
                        "meta.k8s.io/v1",
                        "DeleteOptions",
                        DeleteOptions.newBuilder()
                                .setGracePeriodSeconds(0)
                                .build()
                                .toByteArray()));
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(200);
    }

    @Test
    void brokenBodiesAre400sAndWriteNothing() {
        String path = "/api/v1/namespaces/default/configmaps?fieldValidation=Strict";
        byte[] cm = recording("configmap");
        byte[] unknownField = wrap(
                "v1",
                "ConfigMap",
                KubeProtobufTest.concat(
                        KubeProtobufTest.message(1, KubeProtobufTest.string(1, "strict")),
                        KubeProtobufTest.string(999, "what is this")));
        Object[][] cases = {
            {
                "{\"metadata\":{\"name\":\"json-in-disguise\"}}".getBytes(),
                "the object provided is unrecognized (must be of type"
                        + " ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
            },
            {
                Arrays.copyOf(cm, cm.length - 20),
                "the object provided is unrecognized (must be of type ConfigMap): malformed" + " protobuf envelope"
            },
            {recording("secret"), "the kind in the data (Secret) does not match the expected kind (ConfigMap)"},
            {recording("namespace"), "the kind in the data (Namespace) does not match the expected kind (ConfigMap)"},
            {
                unknownField,
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown"
                        + " field \"#999\""
            },
        };
        for (Object[] c : cases) {
            long before = revision();
            Resp r = api.requestBytes("POST", path, PROTOBUF, (byte[]) c[0]);
            assertThat(r.code()).as(r.body()).isEqualTo(400);
            assertThat(r.json().path("reason").asText()).isEqualTo("BadRequest");
            assertThat(r.json().path("message").asText()).startsWith((String) c[1]);
            assertThat(revision()).as("nothing written for " + c[1]).isEqualTo(before);
        }
        assertThat(api.get("/api/v1/namespaces/default/configmaps/strict").code())
                .isEqualTo(404);

        Resp warned = api.requestBytes("POST", "/api/v1/namespaces/default/configmaps", PROTOBUF, unknownField);
        assertThat(warned.code()).as(warned.body()).isEqualTo(201);
        assertThat(warned.header("Warning")).containsExactly("299 - \"unknown field \\\"#999\\\"\"");

        Resp patch = api.requestBytes("PATCH", "/api/v1/namespaces/default/configmaps/strict", PROTOBUF, cm);
        assertThat(patch.code()).as("a patch is never protobuf").isEqualTo(415);
    }

    private static long revision() {
        String out = ETCD.cluster().etcdctl("get", "--prefix", prefix + "/", "--keys-only", "-w", "json");
        try {
            return TestApiServer.JSON
                    .readTree(out)
                    .path("header")
                    .path("revision")
                    .asLong();
        } catch (Exception e) {
            throw new AssertionError(out, e);
        }
    }
}
