package io.kubelite.apiserver.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestServiceAccountKeys;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SelfSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview and TokenReview over
 * HTTP, for a token-file admin and for a service account (kubelite's restricted user):
 * answered from the API server's authorizer, 201 with the status, never stored.
 */
class AuthReviewsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static TestApiServer api;

    static final String SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    static final String SSRR = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    static final String SSR = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    static final String TR = "/apis/authentication.k8s.io/v1/tokenreviews";
    static final TestServiceAccountKeys KEYS = TestServiceAccountKeys.generate();
    static String saToken;

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "admin-token,admin,uid-1,\"system:masters\"\n");
        api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()),
                ApiServerConfig.local()
                        .withTokens(Auth.readTokenFile(file), false)
                        .withAuthorization(AuthorizationMode.RBAC),
                s -> s.withServiceAccountIssuing(KEYS.issuing()));
        api.withToken("admin-token");
        assertThat(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}")
                        .code())
                .isEqualTo(201);
        // the service account may do everything in its namespace, through a Role and RoleBinding there
        assertThat(api.post(
                                "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
                                "{\"metadata\":{\"name\":\"all\"},\"rules\":[{\"apiGroups\":[\"*\"],"
                                        + "\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}")
                        .code())
                .isEqualTo(201);
        assertThat(api.post(
                                "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
                                "{\"metadata\":{\"name\":\"all\"},\"roleRef\":{\"apiGroup\":"
                                        + "\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"all\"},"
                                        + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"default\"}]}")
                        .code())
                .isEqualTo(201);
        saToken = KEYS.createLegacyToken(api.store(), "team", "default", "default-token-abc");
        api.withToken(saToken);
        Poll.until(
                Duration.ofSeconds(10),
                "sa token known",
                () -> api.get("/api/v1/namespaces/team/pods").code() == 200);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static String access(String ns, String verb, String group, String resource) {
        return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
                + "\"spec\":{\"resourceAttributes\":{\"namespace\":\"" + ns + "\",\"verb\":\"" + verb
                + "\",\"group\":\"" + group + "\",\"resource\":\"" + resource + "\"}}}";
    }

    static JsonNode review(String token, String path, String body) {
        TestApiServer.Resp r = api.withToken(token).post(path, body);
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void accessReviewsAnswerForTheCaller() {
        JsonNode admin = review("admin-token", SSAR, access("default", "create", "", "pods"));
        assertThat(admin.path("kind").asText()).isEqualTo("SelfSubjectAccessReview");
        assertThat(admin.path("apiVersion").asText()).isEqualTo("authorization.k8s.io/v1");
        assertThat(admin.path("status").path("allowed").asBoolean()).isTrue();
        assertThat(review("admin-token", SSAR, access("", "*", "*", "*"))
                        .path("status")
                        .path("allowed")
                        .asBoolean())
                .isTrue();

        assertThat(review(saToken, SSAR, access("team", "delete", "apps", "replicasets"))
                        .path("status")
                        .path("allowed")
                        .asBoolean())
                .isTrue();
        JsonNode other = review(saToken, SSAR, access("default", "create", "", "pods"));
        // allowed is written when false, and a denial has no reason (kubectl prints a bare "no")
        assertThat(other.path("status").has("allowed")).isTrue();
        assertThat(other.path("status").path("allowed").asBoolean()).isFalse();
        assertThat(other.path("status").has("reason")).isFalse();
        assertThat(review(saToken, SSAR, access("", "list", "", "nodes"))
                        .path("status")
                        .path("allowed")
                        .asBoolean())
                .isFalse();
        JsonNode health = review(
                saToken, SSAR, "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/healthz\",\"verb\":\"get\"}}}");
        assertThat(health.path("status").path("allowed").asBoolean()).isTrue();
        // the reviews themselves: every authenticated user may create them
        assertThat(review(saToken, SSAR, access("", "create", "authorization.k8s.io", "selfsubjectaccessreviews"))
                        .path("status")
                        .path("allowed")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void badAndNonCreateRequests() {
        TestApiServer.Resp neither = api.withToken("admin-token").post(SSAR, "{\"spec\":{}}");
        assertThat(neither.code()).isEqualTo(422);
        assertThat(neither.json().path("message").asText())
                .isEqualTo(
                        "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: "
                                + "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
        TestApiServer.Resp list = api.withToken("admin-token").get(SSAR);
        assertThat(list.code()).isEqualTo(405);
        assertThat(api.withToken("admin-token").get(SSAR + "/x").code()).isEqualTo(405);
        assertThat(api.withToken("admin-token")
                        .post(SSRR, "{\"spec\":{}}")
                        .json()
                        .path("message")
                        .asText())
                .isEqualTo("no namespace on request");
    }

    @Test
    void reviewsAreNeverStored() {
        api.withToken("admin-token");
        String before = api.get("/api/v1/namespaces")
                .json()
                .path("metadata")
                .path("resourceVersion")
                .asText();
        review("admin-token", SSAR, access("default", "get", "", "pods"));
        review("admin-token", SSRR, "{\"spec\":{\"namespace\":\"default\"}}");
        review("admin-token", SSR, "{}");
        String after = api.withToken("admin-token")
                .get("/api/v1/namespaces")
                .json()
                .path("metadata")
                .path("resourceVersion")
                .asText();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void rulesReviewListsKubelitesPolicyPlusTheDefaultRoles() {
        JsonNode admin = review("admin-token", SSRR, "{\"spec\":{\"namespace\":\"default\"}}");
        assertThat(admin.path("status").path("incomplete").asBoolean(true)).isFalse();
        assertThat(rules(admin))
                .contains(
                        "[*] [*] [*]",
                        "[create] [authentication.k8s.io] [selfsubjectreviews]",
                        "[create] [authorization.k8s.io] [selfsubjectaccessreviews, selfsubjectrulesreviews]");
        List<String> urls = new ArrayList<>();
        admin.path("status").path("nonResourceRules").forEach(r -> urls.add(r.toString()));
        assertThat(urls).contains("{\"verbs\":[\"*\"],\"nonResourceURLs\":[\"*\"]}");

        assertThat(rules(review(saToken, SSRR, "{\"spec\":{\"namespace\":\"team\"}}")))
                .contains("[*] [*] [*]");
        assertThat(rules(review(saToken, SSRR, "{\"spec\":{\"namespace\":\"default\"}}")))
                .doesNotContain("[*] [*] [*]")
                .hasSize(2);
    }

    private static List<String> rules(JsonNode review) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : review.path("status").path("resourceRules")) {
            out.add(list(r.path("verbs")) + " " + list(r.path("apiGroups")) + " " + list(r.path("resources")));
        }
        return out;
    }

    private static String list(JsonNode a) {
        List<String> s = new ArrayList<>();
        a.forEach(x -> s.add(x.asText()));
        return s.toString();
    }

    @Test
    void selfSubjectReviewTellsWhoTheCallerIs() {
        JsonNode admin = review("admin-token", SSR, "{\"apiVersion\":\"authentication.k8s.io/v1\"}");
        assertThat(admin.path("status").path("userInfo").toString())
                .isEqualTo(
                        "{\"username\":\"admin\",\"uid\":\"uid-1\",\"groups\":[\"system:masters\",\"system:authenticated\"]}");
        JsonNode sa = review(saToken, SSR, "{}");
        assertThat(sa.path("status").path("userInfo").path("username").asText())
                .isEqualTo("system:serviceaccount:team:default");
        String uid = api.store()
                .of(io.kubelite.kinds.core.serviceaccount.ServiceAccountKind.RESOURCE)
                .get("team", "default")
                .join()
                .getMetadata()
                .getUid();
        assertThat(sa.path("status").path("userInfo").path("uid").asText()).isEqualTo(uid);
    }

    @Test
    void tokenReviewAuthenticatesATokenForAnAdminOnly() {
        JsonNode ok = review("admin-token", TR, "{\"spec\":{\"token\":\"" + saToken + "\"}}");
        assertThat(ok.path("status").path("authenticated").asBoolean()).isTrue();
        assertThat(ok.path("status").path("user").path("username").asText())
                .isEqualTo("system:serviceaccount:team:default");
        JsonNode bad = review("admin-token", TR, "{\"spec\":{\"token\":\"nope\"}}");
        assertThat(bad.path("status").path("authenticated").asBoolean(true)).isFalse();
        TestApiServer.Resp sa = api.withToken(saToken).post(TR, "{\"spec\":{\"token\":\"admin-token\"}}");
        assertThat(sa.code()).isEqualTo(403);
        assertThat(sa.json().path("message").asText())
                .isEqualTo(
                        "tokenreviews.authentication.k8s.io is forbidden: User \"system:serviceaccount:team:default\" cannot create "
                                + "resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope");
    }
}
