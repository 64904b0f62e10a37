package io.kubelite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole requests against an API server on a real etcd: any method, a path to any built-in
 * resource (or any path at all), any of the query parameters kube reads, any content type, any
 * body. What a client must see: never a 5xx, an error as kube's Status, no stack trace or class
 * name; what etcd must see: nothing written by a request that was refused.
 */
class RestFuzzTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final List<Resource<? extends Message>> RESOURCES = Kinds.resources().stream()
            .sorted(Comparator.comparing(r -> r.apiVersion() + "/" + r.plural()))
            .toList();
    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    private static final String[] SUBRESOURCES = {"status", "scale", "binding", "eviction", "token", "approval"};
    private static final String[] PARAMETERS = {
        "labelSelector",
        "fieldSelector",
        "limit",
        "continue",
        "resourceVersion",
        "resourceVersionMatch",
        "dryRun",
        "fieldManager",
        "fieldValidation",
        "propagationPolicy",
        "gracePeriodSeconds",
        "orphanDependents",
        "pretty",
        "force",
        "timeoutSeconds",
        "includeObject",
        "as",
        "container"
    };
    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/yaml",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/json-patch+json",
        "application/apply-patch+yaml",
        "application/vnd.kubernetes.protobuf",
        "text/plain",
        ""
    };

    private static String prefix;
    private static Etcd etcd;
    private static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        prefix = ETCD.newPrefix();
        etcd = ETCD.connect(prefix);
        api = TestApiServer.start(etcd, ApiServerConfig.local());
        // the server's own bootstrap writes (namespaces, the kubernetes Service) come first
        Poll.until(
                Duration.ofSeconds(60),
                "the API server ready (/readyz 200)",
                () -> api.get("/readyz"),
                ready -> ready.code() == 200);
        api.post(
                "/api/v1/namespaces",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"fuzz\"}}");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "\"apiVersion\":",
        "\"kind\":",
        "\"metadata\":",
        "\"name\":",
        "\"spec\":",
        "\"containers\":",
        "\"image\":",
        "\"op\":",
        "\"path\":",
        "\"value\":",
        "null",
        "[]",
        "{}",
        "All",
        "Strict",
        "Foreground"
    })
    void answersEveryRequestAsKubeWould(FuzzedDataProvider data) throws Exception {
        String method = data.pickValue(METHODS);
        String contentType = data.pickValue(CONTENT_TYPES);
        Resource<? extends Message> r = RESOURCES.get(data.consumeInt(0, RESOURCES.size() - 1));
        StringBuilder path = new StringBuilder();
        if (data.consumeInt(0, 9) == 0) {
            for (String part : data.consumeString(40).split("/", -1)) {
                path.append('/').append(segment(part));
            }
        } else {
            path.append(r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version());
            if (r.namespaced() && data.consumeBoolean()) {
                path.append("/namespaces/fuzz");
            }
            path.append('/').append(r.plural());
            if (data.consumeBoolean()) {
                path.append('/').append(segment(data.consumeString(20)));
                if (data.consumeInt(0, 3) == 0) {
                    path.append('/').append(data.pickValue(SUBRESOURCES));
                }
            }
        }
        int params = data.consumeInt(0, 3);
        for (int i = 0; i < params; i++) {
            path.append(i == 0 ? '?' : '&')
                    .append(data.pickValue(PARAMETERS))
                    .append('=')
                    .append(URLEncoder.encode(data.consumeString(30), StandardCharsets.UTF_8));
        }
        byte[] body;
        if (data.consumeBoolean()) {
            // inside a well-formed envelope, so that the rest reaches binding and validation
            String name = segment(data.consumeString(12));
            body = ("{\"apiVersion\":\"" + r.apiVersion() + "\",\"kind\":\"" + r.kind() + "\",\"metadata\":{\"name\":\""
                            + name + "\",\"namespace\":\"fuzz\"}," + data.consumeRemainingAsString() + "}")
                    .getBytes(StandardCharsets.UTF_8);
        } else {
            body = data.consumeRemainingAsBytes();
        }
        // the resource the request names, whose keys a refused request must leave alone (random paths name none)
        String scope = path.toString().startsWith("/api") && path.indexOf("/" + r.plural()) > 0
                ? "/" + r.keySegment() + "/"
                : null;
        String sent = method + " " + path + " (" + contentType + ") " + new String(body, StandardCharsets.UTF_8);

        Fingerprint before = scope == null ? null : fingerprint(scope);
        TestApiServer.Resp resp =
                api.requestBytes(method, path.toString(), contentType.isEmpty() ? null : contentType, body);
        assertThat(resp.code())
                .as("status of %s; body %s", Refusals.shown(sent), Refusals.shown(resp.body()))
                .isLessThan(500);
        Refusals.assertNoLeak(resp.body(), sent);
        if (resp.code() >= 400) {
            if (!resp.body().isEmpty() && !"HEAD".equals(method)) {
                JsonNode status = TestApiServer.JSON.readTree(resp.body());
                assertThat(status.path("kind").asText())
                        .as("error body of %s: %s", Refusals.shown(sent), Refusals.shown(resp.body()))
                        .isEqualTo("Status");
                assertThat(status.path("code").asInt())
                        .as("Status code of %s", Refusals.shown(sent))
                        .isEqualTo(resp.code());
            }
            if (scope == null) {
                return;
            }
            assertThat(fingerprint(scope))
                    .as(
                            "etcd under the server's prefix after the refused %s (%d %s)",
                            Refusals.shown(sent), resp.code(), Refusals.shown(resp.body()))
                    .isEqualTo(before);
        }
    }

    /** A path segment from any text: what a client library would send for that name. */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** How many keys a resource holds and the newest change among them. */
    record Fingerprint(long keys, long newestModRevision, String newestKey) {}

    /**
     * The keys under {@code scope} (a resource's segment), but for the {@code kubernetes} Service
     * and Endpoints in {@code default}: the server re-creates those itself whenever they are gone.
     */
    private static Fingerprint fingerprint(String scope) throws Exception {
        if (scope.startsWith("/services/") || scope.startsWith("/endpoints")) {
            return new Fingerprint(0, 0, "(kept by the server's own reconciler: not compared)");
        }
        ByteSequence key = ByteSequence.from(prefix + scope, StandardCharsets.UTF_8);
        GetResponse r = etcd.client()
                .getKVClient()
                .get(
                        key,
                        GetOption.builder()
                                .isPrefix(true)
                                .withKeysOnly(true)
                                .withSortField(GetOption.SortTarget.MOD)
                                .withSortOrder(GetOption.SortOrder.DESCEND)
                                .withLimit(1)
                                .build())
                .get(15, TimeUnit.SECONDS);
        return r.getKvs().isEmpty()
                ? new Fingerprint(r.getCount(), 0, "")
                : new Fingerprint(
                        r.getCount(),
                        r.getKvs().get(0).getModRevision(),
                        r.getKvs().get(0).getKey().toString(StandardCharsets.UTF_8));
    }
}
