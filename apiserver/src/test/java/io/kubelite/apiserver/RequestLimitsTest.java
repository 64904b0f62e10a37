package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.DocumentLimits;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bodies against real etcd: over-deep, over-wide, alias-bomb and too-many-operations
 * bodies to create, update, patch (JSON, merge, strategic, apply) and delete each get kube's
 * status and a message that says which limit, never a stack trace, and write nothing. A custom
 * object at the depth limit goes through every recursive path on the event loop.
 */
class RequestLimitsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String CMS = "/api/v1/namespaces/default/configmaps";
    static final String CM = CMS + "/target";
    static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    static final String DEEPS = "/apis/limits.example.org/v1/namespaces/default/deeps";
    static final int DEPTH = DocumentLimits.MAX_DEPTH;
    static final String TOO_DEEP = "the document nests deeper than " + DEPTH + " levels";
    static final String TOO_WIDE = "the document has more than " + DocumentLimits.MAX_TOKENS
            + " tokens (field names, values, and object and array brackets)";

    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        Resp cm = api.post(CMS, configMap("target", ""));
        assertThat(cm.code()).as(cm.body()).isEqualTo(201);
        Resp crd = api.post(CRDS, """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"deeps.limits.example.org"},
                 "spec":{"group":"limits.example.org","scope":"Namespaced",
                  "names":{"plural":"deeps","kind":"Deep"},
                  "versions":[{"name":"v1","served":true,"storage":true,
                   "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """);
        assertThat(crd.code()).as(crd.body()).isEqualTo(201);
        Poll.until(
                Duration.ofSeconds(20),
                "the Deep kind is served",
                () -> api.get(DEEPS).code() == 200);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static String configMap(String name, String extra) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"k\":\"v\"}" + extra + "}";
    }

    /** {@code {"a":{"a":...1...}}}, {@code depth} levels. */
    static String nested(int depth, String leaf) {
        return "{\"a\":".repeat(depth) + leaf + "}".repeat(depth);
    }

    /** A ConfigMap whose unknown field {@code x} takes the whole document to {@code depth} levels. */
    static String deepConfigMap(String name, int depth) {
        return configMap(name, ",\"x\":" + nested(depth - 1, "1"));
    }

    static String deepYamlConfigMap(String name, int depth) {
        StringBuilder s = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\nx:\n");
        for (int i = 1; i < depth - 1; i++) {
            s.append("  ".repeat(i)).append("a:\n");
        }
        return s.append("  ".repeat(depth - 1)).append("a: 1\n").toString();
    }

    /** A ConfigMap carrying one more token than the limit in an unknown field. */
    static String wideConfigMap(String name) {
        return configMap(name, ",\"x\":[" + "0,".repeat(DocumentLimits.MAX_TOKENS) + "0]");
    }

    static String billionLaughs(String name) {
        StringBuilder s = new StringBuilder(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\na0: &a0 [\"lol\"]\n");
        for (int i = 1; i < 10; i++) {
            s.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                s.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            s.append("]\n");
        }
        return s.toString();
    }

    static Stream<Arguments> creates() {
        return Stream.of(
                Arguments.of("deep JSON", "application/json", deepConfigMap("deep-json", DEPTH + 1), TOO_DEEP),
                Arguments.of("deep YAML", "application/yaml", deepYamlConfigMap("deep-yaml", DEPTH + 1), TOO_DEEP),
                Arguments.of("wide JSON", "application/json", wideConfigMap("wide-json"), TOO_WIDE),
                Arguments.of(
                        "alias bomb",
                        "application/yaml",
                        billionLaughs("bomb"),
                        "YAML aliases are not supported (*a0) at line "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("creates")
    void aCreateOverALimitIsRefusedAndWritesNothing(String what, String type, String body, String reason) {
        String name = body.contains("\"name\":\"")
                ? body.replaceAll("(?s).*?\"name\":\"([^\"]+)\".*", "$1")
                : body.replaceAll("(?s).*?  name: (\\S+)\n.*", "$1");
        Resp r = api.request("POST", CMS, type, body);
        assertRefused(r, 400, "BadRequest", "error decoding the request body: " + reason);
        assertThat(api.get(CMS + "/" + name).code())
                .as("%s was not created", name)
                .isEqualTo(404);
    }

    @Test
    void aDocumentAtTheDepthLimitIsAccepted() {
        Resp r = api.post(CMS, deepConfigMap("at-limit", DEPTH));
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    static Stream<Arguments> writes() {
        String deepPatch = "{\"metadata\":" + nested(DEPTH, "1") + "}";
        String widePatch = "{\"data\":{\"k\":\"w\"},\"x\":[" + "0,".repeat(DocumentLimits.MAX_TOKENS) + "0]}";
        String deepJsonPatch = "[{\"op\":\"add\",\"path\":\"/data/x\",\"value\":" + nested(DEPTH - 1, "1") + "}]";
        String deepApply = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\nx: " + nested(DEPTH, "1");
        return Stream.of(
                Arguments.of(
                        "PUT",
                        "application/json",
                        deepConfigMap("target", DEPTH + 1),
                        400,
                        "error decoding the request body: " + TOO_DEEP),
                Arguments.of(
                        "PUT",
                        "application/yaml",
                        deepYamlConfigMap("target", DEPTH + 1),
                        400,
                        "error decoding the request body: " + TOO_DEEP),
                Arguments.of(
                        "PUT",
                        "application/json",
                        wideConfigMap("target"),
                        400,
                        "error decoding the request body: " + TOO_WIDE),
                Arguments.of(
                        "PATCH", "application/merge-patch+json", deepPatch, 400, "error decoding patch: " + TOO_DEEP),
                Arguments.of(
                        "PATCH",
                        "application/strategic-merge-patch+json",
                        deepPatch,
                        400,
                        "error decoding patch: " + TOO_DEEP),
                Arguments.of(
                        "PATCH",
                        "application/json-patch+json",
                        deepJsonPatch,
                        400,
                        "error decoding patch: " + TOO_DEEP),
                Arguments.of(
                        "PATCH", "application/apply-patch+yaml", deepApply, 400, "error decoding YAML: " + TOO_DEEP),
                Arguments.of(
                        "PATCH", "application/merge-patch+json", widePatch, 400, "error decoding patch: " + TOO_WIDE),
                Arguments.of(
                        "PATCH",
                        "application/apply-patch+yaml",
                        billionLaughs("target"),
                        400,
                        "error decoding YAML: YAML aliases are not supported (*a0) at line "),
                Arguments.of(
                        "PATCH",
                        "application/json-patch+json",
                        jsonPatchOf(Patches.MAX_JSON_PATCH_OPERATIONS + 1),
                        413,
                        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"),
                Arguments.of(
                        "DELETE",
                        "application/json",
                        "{\"kind\":\"DeleteOptions\",\"x\":" + nested(DEPTH, "1") + "}",
                        400,
                        "error decoding DeleteOptions: " + TOO_DEEP));
    }

    /** {@code n} operations that each change the data: applied, they would write. */
    static String jsonPatchOf(int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",")
                    .append("{\"op\":\"add\",\"path\":\"/data/k\",\"value\":\"")
                    .append(i)
                    .append("\"}");
        }
        return s.append("]").toString();
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("writes")
    void aWriteOverALimitIsRefusedAndChangesNothing(String method, String type, String body, int code, String message) {
        JsonNode before = api.get(CM).json();
        String path = type.equals("application/apply-patch+yaml") ? CM + "?fieldManager=limits" : CM;
        Resp r = api.request(method, path, type, body);
        assertRefused(r, code, code == 413 ? "RequestEntityTooLarge" : "BadRequest", message);
        JsonNode after = api.get(CM).json();
        assertThat(after.path("metadata").path("resourceVersion").asText())
                .as("resourceVersion after the refused %s", method)
                .isEqualTo(before.path("metadata").path("resourceVersion").asText());
        assertThat(after.path("data")).isEqualTo(before.path("data"));
    }

    @Test
    void aJsonPatchOfExactlyTheMostOperationsIsApplied() {
        Resp r = api.patch(CM, "application/json-patch+json", jsonPatchOf(Patches.MAX_JSON_PATCH_OPERATIONS));
        assertThat(r.code()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("data").path("k").asText())
                .isEqualTo(Integer.toString(Patches.MAX_JSON_PATCH_OPERATIONS - 1));
    }

    /**
     * A custom object at the depth limit, on the event loop: created (reader), read (writer),
     * merge-patched (patcher) and applied (field manager), with no StackOverflowError anywhere.
     */
    @Test
    void aCustomObjectAtTheDepthLimitGoesThroughEveryPath() {
        String deep = nested(DEPTH - 1, "1");
        Resp created = api.post(
                DEEPS,
                "{\"apiVersion\":\"limits.example.org/v1\",\"kind\":\"Deep\",\"metadata\":{\"name\":\"d\"},\"spec\":"
                        + deep + "}");
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        Resp read = api.get(DEEPS + "/d");
        assertThat(read.code()).as(read.body()).isEqualTo(200);
        assertThat(read.json().path("spec").toString()).isEqualTo(deep);
        Resp patched =
                api.patch(DEEPS + "/d", "application/merge-patch+json", "{\"spec\":" + nested(DEPTH - 1, "2") + "}");
        assertThat(patched.code()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path("spec").toString()).isEqualTo(nested(DEPTH - 1, "2"));
        Resp applied = api.request(
                "PATCH",
                DEEPS + "/d?fieldManager=limits&force=true",
                "application/apply-patch+yaml",
                "{\"apiVersion\":\"limits.example.org/v1\",\"kind\":\"Deep\",\"metadata\":{\"name\":\"d\"},\"spec\":"
                        + nested(DEPTH - 1, "3") + "}");
        assertThat(applied.code()).as(applied.body()).isEqualTo(200);
        assertThat(applied.json().path("spec").toString()).isEqualTo(nested(DEPTH - 1, "3"));
        Resp tooDeep = api.post(
                DEEPS,
                "{\"apiVersion\":\"limits.example.org/v1\",\"kind\":\"Deep\",\"metadata\":{\"name\":\"e\"},\"spec\":"
                        + nested(DEPTH, "1") + "}");
        assertRefused(tooDeep, 400, "BadRequest", "error decoding the request body: " + TOO_DEEP);
        assertThat(api.get(DEEPS + "/e").code()).isEqualTo(404);
    }

    /** kube's Status, the expected message (or its start), and nothing of the server's insides. */
    static void assertRefused(Resp r, int code, String reason, String message) {
        assertThat(r.code())
                .as("status of %s", r.body().length() > 500 ? r.body().substring(0, 500) : r.body())
                .isEqualTo(code);
        JsonNode status = r.json();
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo(reason);
        assertThat(status.path("message").asText()).startsWith(message);
        assertThat(r.body()).doesNotContain("\tat ", "Exception", "jackson", "StreamReadConstraints");
    }
}
