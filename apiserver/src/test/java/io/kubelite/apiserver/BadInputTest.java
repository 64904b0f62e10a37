package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad input answers the right Status and writes nothing to etcd. */
class BadInputTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

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

    static Stream<Arguments> cases() {
        String pods = "/api/v1/namespaces/default/pods";
        return Stream.of(
                Arguments.of("malformed JSON", pods, "{\"metadata\": {", 400, "BadRequest", "error decoding"),
                Arguments.of("malformed YAML", pods, "metadata: [1, 2\nspec: x", 400, "BadRequest", "error decoding"),
                Arguments.of("empty body", pods, "", 400, "BadRequest", "empty"),
                Arguments.of(
                        "wrong type",
                        pods,
                        "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":\"nginx\"}}",
                        400,
                        "BadRequest",
                        "Pod in version \"v1\" cannot be handled as a Pod: spec.containers"),
                Arguments.of(
                        "wrong kind",
                        pods,
                        TestApiServer.pod("x", "").replace("\"Pod\"", "\"Service\""),
                        400,
                        "BadRequest",
                        "the kind in the data (Service) does not match the expected kind (Pod)"),
                Arguments.of(
                        "wrong apiVersion",
                        pods,
                        TestApiServer.pod("x", "").replace("\"v1\"", "\"apps/v1\""),
                        400,
                        "BadRequest",
                        "the API version in the data (apps/v1) does not match the expected API version (v1)"),
                Arguments.of(
                        "invalid name",
                        pods,
                        TestApiServer.pod("X_1", ""),
                        422,
                        "Invalid",
                        "Pod \"X_1\" is invalid: metadata.name: Invalid value: \"X_1\": a lowercase RFC 1123 subdomain must consist of"),
                Arguments.of(
                        "no containers",
                        pods,
                        "{\"metadata\":{\"name\":\"x\"},\"spec\":{}}",
                        422,
                        "Invalid",
                        "Pod \"x\" is invalid: spec.containers: Required value"),
                Arguments.of(
                        "two causes",
                        pods,
                        "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{}]}}",
                        422,
                        "Invalid",
                        "Pod \"x\" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]"),
                Arguments.of(
                        "bad quantity",
                        pods,
                        "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                                + "\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"lots\"}}}]}}",
                        422,
                        "Invalid",
                        "spec.containers[0].resources.requests[cpu]: Invalid value: \"lots\": quantities must match"),
                Arguments.of(
                        "bad label",
                        pods,
                        TestApiServer.pod("x", "").replace("\"app\":\"web\"", "\"app\":\"-bad-\""),
                        422,
                        "Invalid",
                        "metadata.labels: Invalid value: \"-bad-\": a valid label must be"),
                Arguments.of(
                        "bad restartPolicy",
                        pods,
                        TestApiServer.pod("x", ",\"restartPolicy\":\"Sometimes\""),
                        422,
                        "Invalid",
                        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\""),
                Arguments.of(
                        "namespace mismatch",
                        pods,
                        TestApiServer.pod("x", "").replace("\"name\":\"x\"", "\"name\":\"x\",\"namespace\":\"other\""),
                        400,
                        "BadRequest",
                        "does not match the namespace"),
                Arguments.of(
                        "no such namespace",
                        "/api/v1/namespaces/ghost/pods",
                        TestApiServer.pod("x", ""),
                        404,
                        "NotFound",
                        "namespaces \"ghost\" not found"),
                Arguments.of(
                        "bad namespace name",
                        "/api/v1/namespaces",
                        "{\"metadata\":{\"name\":\"a.b\"}}",
                        422,
                        "Invalid",
                        "Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label"),
                Arguments.of(
                        "bad taint",
                        "/api/v1/nodes",
                        "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"taints\":[{\"key\":\"k\"}]}}",
                        422,
                        "Invalid",
                        "Node \"n\" is invalid: spec.taints[0].effect: Required value"),
                Arguments.of(
                        "rs selector mismatch",
                        "/apis/apps/v1/namespaces/default/replicasets",
                        "{\"metadata\":{\"name\":\"rs\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":"
                                + "{\"metadata\":{\"labels\":{\"a\":\"c\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
                        422,
                        "Invalid",
                        "ReplicaSet.apps \"rs\" is invalid: spec.template.metadata.labels"),
                Arguments.of(
                        "too large",
                        pods,
                        "{\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\"" + "x".repeat(3_200_000) + "\"}}}",
                        413,
                        "RequestEntityTooLarge",
                        "Request entity too large"),
                Arguments.of(
                        "post on a name",
                        pods + "/x",
                        TestApiServer.pod("x", ""),
                        405,
                        "MethodNotAllowed",
                        "does not allow"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedAndNothingWritten(String name, String path, String body, int code, String reason, String message) {
        String before = ETCD.cluster().etcdctl("get", "--prefix", prefix + "/", "--keys-only", "-w", "json");
        long revBefore = TestApiServer.JSON
                .valueToTree(parse(before))
                .path("header")
                .path("revision")
                .asLong();
        TestApiServer.Resp r =
                api.request("POST", path, "application/yaml".equals(null) ? null : "application/json", body);
        assertThat(r.code())
                .as(r.body().length() > 2000 ? r.body().substring(0, 2000) : r.body())
                .isEqualTo(code);
        JsonNode s = r.json();
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("status").asText()).isEqualTo("Failure");
        assertThat(s.path("reason").asText()).isEqualTo(reason);
        assertThat(s.path("code").asInt()).isEqualTo(code);
        assertThat(s.path("message").asText()).contains(message);
        assertThat(r.body()).doesNotContain("\tat ", "Exception");
        if (code == 422) {
            assertThat(s.path("details").path("causes")).isNotEmpty();
            assertThat(s.path("details").path("causes").get(0).path("field").asText())
                    .isNotEmpty();
        }
        String after = ETCD.cluster().etcdctl("get", "--prefix", prefix + "/", "--keys-only", "-w", "json");
        assertThat(TestApiServer.JSON
                        .valueToTree(parse(after))
                        .path("header")
                        .path("revision")
                        .asLong())
                .as("etcd revision unchanged")
                .isEqualTo(revBefore);
    }

    private static JsonNode parse(String s) {
        try {
            return TestApiServer.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    @Test
    void unknownFieldsAreDroppedWithAWarning() {
        TestApiServer.Resp r = api.post(
                "/api/v1/namespaces/default/pods", TestApiServer.pod("warn", ",\"volumez\":[{\"name\":\"v\"}]"));
        assertThat(r.code()).isEqualTo(201);
        assertThat(r.header("Warning")).containsExactly("299 - \"unknown field \\\"spec.volumez\\\"\"");
        assertThat(r.body()).doesNotContain("volumez");
    }

    @Test
    void anUnknownFieldNamedWithANewlineComesBackEscapedInItsWarning() {
        // a header cannot hold a newline: the request used to go unanswered (found by RestFuzzTest)
        TestApiServer.Resp r = api.post(
                "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"warned\"},\"da\\r\\nta\":{}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        assertThat(r.header("Warning")).containsExactly("299 - \"unknown field \\\"da\\u000d\\u000ata\\\"\"");
    }

    @Test
    void aPathOfSlashesIsNotFound() {
        TestApiServer.Resp r = api.get("///");
        assertThat(r.code()).as(r.body()).isEqualTo(404);
        assertThat(r.json().path("reason").asText()).isEqualTo("NotFound");
    }

    @Test
    void yamlBodiesAreAccepted() {
        TestApiServer.Resp r = api.request(
                "POST",
                "/api/v1/namespaces/default/pods",
                "application/yaml",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: yaml-pod}\nspec:\n  containers: [{name: c, image: busybox}]\n");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    @Test
    void tooManyRequestsAndUnavailableEtcd() throws Exception {
        try (TestApiServer busy = TestApiServer.start(
                ETCD.connect(prefix), ApiServerConfig.local().withMaxInFlight(0))) {
            TestApiServer.Resp r = busy.get("/api/v1/namespaces/default/pods");
            assertThat(r.code()).isEqualTo(429);
            assertThat(r.json().path("reason").asText()).isEqualTo("TooManyRequests");
            assertThat(r.header("Retry-After")).containsExactly("1");
        }
    }
}
