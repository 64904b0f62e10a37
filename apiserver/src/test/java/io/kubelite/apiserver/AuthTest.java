package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Static tokens, legacy service-account tokens from Secrets, 401 and 403. */
class AuthTest {
    static final TestServiceAccountKeys KEYS = TestServiceAccountKeys.generate();

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void tokensAndNamespaceConfinement(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "admin-token,admin,1,\"system:masters\"\n");
        ApiServerConfig cfg = ApiServerConfig.local().withTokens(Auth.readTokenFile(file), false);
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
            Poll.until(
                    Duration.ofSeconds(10),
                    "token known",
                    () -> api.get("/api/v1/namespaces/team/pods").code() == 200);
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
