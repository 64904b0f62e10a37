package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.authorization.AuthorizationMode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestServiceAccountKeys;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static tokens, legacy service-account tokens from Secrets, 401, and RBAC's 403: a service
 * account without a binding may do nothing with resources, one bound to a Role in its namespace
 * what the Role grants there and nothing elsewhere.
 */
class AuthTest {
    static final TestServiceAccountKeys KEYS = TestServiceAccountKeys.generate();

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void tokensAndRoleBindings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "admin-token,admin,1,\"system:masters\"\n");
        ApiServerConfig cfg = ApiServerConfig.local()
                .withTokens(Auth.readTokenFile(file), false)
                .withAuthorization(AuthorizationMode.RBAC);
        try (TestApiServer api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()), cfg, s -> s.withServiceAccountIssuing(KEYS.issuing()))) {
            TestApiServer.Resp anon = api.get("/api/v1/namespaces/default/pods");
            assertThat(anon.code()).isEqualTo(401);
            assertThat(anon.json().path("reason").asText()).isEqualTo("Unauthorized");
            assertThat(api.withToken("wrong").get("/api/v1/pods").code()).isEqualTo(401);
            api.withToken("admin-token");
            assertThat(api.get("/api/v1/nodes").code()).isEqualTo(200);
            assertThat(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}")
                            .code())
                    .isEqualTo(201);

            // a legacy token Secret, as the token controller fills one
            String saToken = KEYS.createLegacyToken(api.store(), "team", "default", "default-token-abc");
            api.withToken(saToken);
            // known (403, not 401) but bound to nothing: no resource at all, not even in its namespace
            Poll.until(
                    Duration.ofSeconds(10),
                    "token known (403 instead of 401)",
                    () -> api.get("/api/v1/namespaces/team/pods").code(),
                    code -> code == 403);
            TestApiServer.Resp unbound = api.post("/api/v1/namespaces/team/pods", TestApiServer.pod("mine", ""));
            assertThat(unbound.code()).as(unbound.body()).isEqualTo(403);
            assertThat(unbound.json().path("message").asText())
                    .isEqualTo("pods is forbidden: User \"system:serviceaccount:team:default\" cannot create resource"
                            + " \"pods\" in API group \"\" in the namespace \"team\"");

            api.withToken("admin-token");
            TestApiServer.Resp role = api.post(
                    "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
                    "{\"metadata\":{\"name\":\"pods\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],"
                            + "\"verbs\":[\"*\"]}]}");
            assertThat(role.code()).as(role.body()).isEqualTo(201);
            TestApiServer.Resp binding = api.post(
                    "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
                    "{\"metadata\":{\"name\":\"pods\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                            + "\"kind\":\"Role\",\"name\":\"pods\"},\"subjects\":[{\"kind\":\"ServiceAccount\","
                            + "\"name\":\"default\"}]}");
            assertThat(binding.code()).as(binding.body()).isEqualTo(201);
            api.withToken(saToken);
            Poll.until(
                    Duration.ofSeconds(10),
                    "the RoleBinding in effect",
                    () -> api.get("/api/v1/namespaces/team/pods").code(),
                    code -> code == 200);
            assertThat(api.post("/api/v1/namespaces/team/pods", TestApiServer.pod("mine", ""))
                            .code())
                    .isEqualTo(201);
            TestApiServer.Resp other = api.get("/api/v1/namespaces/default/pods");
            assertThat(other.code()).isEqualTo(403);
            assertThat(other.json().path("reason").asText()).isEqualTo("Forbidden");
            assertThat(other.json().path("message").asText())
                    .isEqualTo(
                            "pods is forbidden: User "
                                    + "\"system:serviceaccount:team:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
            TestApiServer.Resp nodes = api.get("/api/v1/nodes/x");
            assertThat(nodes.code()).isEqualTo(403);
            assertThat(nodes.json().path("message").asText()).contains("at the cluster scope");
            assertThat(api.get("/api/v1/pods").code()).isEqualTo(403);
            // deleting the secret revokes the token
            api.withToken("admin-token");
            api.store()
                    .of(SecretKind.RESOURCE)
                    .delete("team", "default-token-abc")
                    .join();
            api.withToken(saToken);
            Poll.until(
                    Duration.ofSeconds(10),
                    "token revoked",
                    () -> api.get("/api/v1/namespaces/team/pods").code() == 401);
        }
    }
}
