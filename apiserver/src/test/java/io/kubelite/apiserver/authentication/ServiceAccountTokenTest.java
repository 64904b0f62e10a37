package io.kubelite.apiserver.authentication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestServiceAccountKeys;
import io.kubelite.store.serviceaccount.TokenClaims;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Service-account tokens end to end against one API server on etcd, with the real kubectl:
 * {@code kubectl create token} (TokenRequest), the tokens authenticating as their account,
 * audiences, expiry, revocation when the bound pod or secret or the account goes, legacy Secret
 * tokens, TokenReview, and issuer discovery (a token verified with nimbus from the published
 * JWKS alone).
 */
class ServiceAccountTokenTest {
    static final TestServiceAccountKeys KEYS = TestServiceAccountKeys.generate();

    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.selfSignedTls()
            .tokenFile("admin-token,admin,uid-1,\"system:masters\"\n")
            .setup(s -> s.withServiceAccountIssuing(KEYS.issuing()));

    static Kubectl admin;

    @BeforeAll
    static void accounts() {
        admin = CLUSTER.kubectl("admin-token");
        admin.run("create", "namespace", "team").ok();
        admin.run("-n", "team", "create", "serviceaccount", "robot").ok();
        // no controller-manager here to make it
        admin.run("-n", "team", "create", "serviceaccount", "default").ok();
    }

    /** The HTTP status of GET {@code path} with {@code token}. */
    static int status(String token, String path) {
        return get(token, path).statusCode();
    }

    static HttpResponse<String> get(String token, String path) {
        try {
            return CLUSTER.httpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(CLUSTER.url() + path))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode claims(String jwt) throws Exception {
        String payload = jwt.split("\\.")[1];
        return TestApiServer.JSON.readTree(Base64.getUrlDecoder().decode(payload));
    }

    static String createToken(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "-n";
        all[1] = "team";
        all[2] = "create";
        System.arraycopy(args, 0, all, 3, args.length);
        return admin.run(all).ok().trim();
    }

    @Test
    void kubectlCreateTokenAuthenticatesAsTheAccount() throws Exception {
        String token = createToken("token", "robot");
        Kubectl robot = CLUSTER.kubectl(token);
        assertThat(robot.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
                        .ok())
                .isEqualTo("system:serviceaccount:team:robot");
        assertThat(robot.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}")
                        .ok())
                .isEqualTo("[\"system:serviceaccounts\",\"system:serviceaccounts:team\",\"system:authenticated\"]");

        JsonNode c = claims(token);
        String uid = admin.run("-n", "team", "get", "sa", "robot", "-o", "jsonpath={.metadata.uid}")
                .ok();
        assertThat(c.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(c.path("sub").asText()).isEqualTo("system:serviceaccount:team:robot");
        assertThat(c.path("aud").toString()).isEqualTo("[\"https://kubernetes.default.svc.cluster.local\"]");
        assertThat(c.path("exp").asLong() - c.path("iat").asLong()).isEqualTo(3600);
        assertThat(c.path("nbf").asLong()).isEqualTo(c.path("iat").asLong());
        assertThat(c.path("jti").asText()).hasSize(36);
        assertThat(c.path("kubernetes.io").toString())
                .isEqualTo("{\"namespace\":\"team\",\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"" + uid + "\"}}");
    }

    @Test
    void aDurationUnderTenMinutesIsRefusedAndAnUnknownAccountIsNotFound() {
        Kubectl.Result shortLived = admin.run("-n", "team", "create", "token", "robot", "--duration", "5m");
        assertThat(shortLived.exitCode()).isEqualTo(1);
        assertThat(shortLived.err())
                .contains("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: "
                        + "Invalid value: 300: may not specify a duration less than 10 minutes");
        Kubectl.Result missing = admin.run("-n", "team", "create", "token", "nobody");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("serviceaccounts \"nobody\" not found");
        String longer = createToken("token", "robot", "--duration", "2h");
        assertThat(status(longer, "/api/v1/namespaces/team/pods")).isEqualTo(200);
    }

    @Test
    void aTokenForAnotherAudienceDoesNotAuthenticateHereButReviewsForIt() {
        String token = createToken("token", "robot", "--audience", "vault");
        assertThat(status(token, "/api/v1/namespaces/team/pods")).isEqualTo(401);
        JsonNode review = CLUSTER.api()
                .withToken("admin-token")
                .post(
                        "/apis/authentication.k8s.io/v1/tokenreviews",
                        "{\"spec\":{\"token\":\"" + token + "\",\"audiences\":[\"vault\",\"other\"]}}")
                .json();
        assertThat(review.path("status").path("authenticated").asBoolean()).isTrue();
        assertThat(review.path("status").path("audiences").toString()).isEqualTo("[\"vault\"]");
        assertThat(review.path("status").path("user").path("username").asText())
                .isEqualTo("system:serviceaccount:team:robot");
        JsonNode forApi = CLUSTER.api()
                .withToken("admin-token")
                .post("/apis/authentication.k8s.io/v1/tokenreviews", "{\"spec\":{\"token\":\"" + token + "\"}}")
                .json();
        assertThat(forApi.path("status").path("authenticated").asBoolean()).isFalse();
    }

    @Test
    void anExpiredTokenOrOneSignedByAnotherKeyGets401() {
        String uid = admin.run("-n", "team", "get", "sa", "robot", "-o", "jsonpath={.metadata.uid}")
                .ok();
        Instant hourAgo = Instant.now().minus(Duration.ofHours(2));
        TokenClaims expired = new TokenClaims(
                "team",
                new TokenClaims.Ref("robot", uid),
                null,
                null,
                null,
                List.of("https://kubernetes.default.svc.cluster.local"),
                hourAgo,
                hourAgo.plus(Duration.ofHours(1)),
                "expired-1",
                false);
        assertThat(status(KEYS.signer().sign(expired), "/api/v1/namespaces/team/pods"))
                .isEqualTo(401);
        TokenClaims fresh = new TokenClaims(
                "team",
                new TokenClaims.Ref("robot", uid),
                null,
                null,
                null,
                List.of("https://kubernetes.default.svc.cluster.local"),
                Instant.now(),
                Instant.now().plus(Duration.ofHours(1)),
                "fresh-1",
                false);
        assertThat(status(KEYS.signer().sign(fresh), "/api/v1/namespaces/team/pods"))
                .isEqualTo(200);
        String forged = TestServiceAccountKeys.generate().signer().sign(fresh);
        assertThat(status(forged, "/api/v1/namespaces/team/pods")).isEqualTo(401);
    }

    @Test
    void deletingTheBoundPodRevokesTheToken() throws Exception {
        CLUSTER.api()
                .withToken("admin-token")
                .post("/api/v1/namespaces/team/pods", TestApiServer.pod("p", ",\"serviceAccountName\":\"robot\""));
        String token = createToken("token", "robot", "--bound-object-kind", "Pod", "--bound-object-name", "p");
        JsonNode k = claims(token).path("kubernetes.io");
        String podUid = admin.run("-n", "team", "get", "pod", "p", "-o", "jsonpath={.metadata.uid}")
                .ok();
        assertThat(k.path("pod").toString()).isEqualTo("{\"name\":\"p\",\"uid\":\"" + podUid + "\"}");
        assertThat(status(token, "/api/v1/namespaces/team/pods")).isEqualTo(200);

        admin.run("-n", "team", "delete", "pod", "p", "--grace-period=0", "--force")
                .ok();
        Poll.until(
                Duration.ofSeconds(10),
                "the bound pod's token refused once the pod is gone",
                () -> status(token, "/api/v1/namespaces/team/pods"),
                code -> code == 401);
    }

    @Test
    void aPodOfAnotherAccountOrAStaleUidIsRefused() {
        CLUSTER.api().withToken("admin-token").post("/api/v1/namespaces/team/pods", TestApiServer.pod("q", ""));
        Kubectl.Result other = admin.run(
                "-n", "team", "create", "token", "robot", "--bound-object-kind", "Pod", "--bound-object-name", "q");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.err())
                .contains("cannot bind token for serviceaccount \"robot\" to pod running with different serviceaccount"
                        + " name.");
        Kubectl.Result stale = admin.run(
                "-n",
                "team",
                "create",
                "token",
                "default",
                "--bound-object-kind",
                "Pod",
                "--bound-object-name",
                "q",
                "--bound-object-uid",
                "00000000-0000-0000-0000-000000000000");
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err())
                .contains("the UID in the bound object reference (00000000-0000-0000-0000-000000000000)"
                        + " does not match the UID in record");
    }

    @Test
    void deletingTheBoundSecretRevokesTheToken() {
        admin.run("-n", "team", "create", "secret", "generic", "bind-me", "--from-literal=a=b")
                .ok();
        String token = createToken("token", "robot", "--bound-object-kind", "Secret", "--bound-object-name", "bind-me");
        assertThat(status(token, "/api/v1/namespaces/team/pods")).isEqualTo(200);
        admin.run("-n", "team", "delete", "secret", "bind-me").ok();
        Poll.until(
                Duration.ofSeconds(10),
                "the bound secret's token refused once the secret is gone",
                () -> status(token, "/api/v1/namespaces/team/pods"),
                code -> code == 401);
    }

    @Test
    void recreatingTheAccountRevokesItsOldTokens() {
        admin.run("-n", "team", "create", "serviceaccount", "phoenix").ok();
        String old = createToken("token", "phoenix");
        assertThat(status(old, "/api/v1/namespaces/team/pods")).isEqualTo(200);
        admin.run("-n", "team", "delete", "serviceaccount", "phoenix").ok();
        admin.run("-n", "team", "create", "serviceaccount", "phoenix").ok();
        Poll.until(
                Duration.ofSeconds(10),
                "the old account's token refused once the account is recreated (new uid)",
                () -> status(old, "/api/v1/namespaces/team/pods"),
                code -> code == 401);
        assertThat(status(createToken("token", "phoenix"), "/api/v1/namespaces/team/pods"))
                .isEqualTo(200);
    }

    @Test
    void aLegacySecretTokenWorksWhileItsSecretHoldsIt() {
        admin.run("-n", "team", "create", "serviceaccount", "legacy").ok();
        String uid = admin.run("-n", "team", "get", "sa", "legacy", "-o", "jsonpath={.metadata.uid}")
                .ok();
        String token = KEYS.legacyToken("team", "legacy", uid, "legacy-token");
        admin.run(
                        "-n",
                        "team",
                        "create",
                        "secret",
                        "generic",
                        "legacy-token",
                        "--type=kubernetes.io/service-account-token",
                        "--from-literal=token=" + token)
                .ok();
        admin.run("-n", "team", "annotate", "secret", "legacy-token", "kubernetes.io/service-account.name=legacy")
                .ok();
        Poll.until(
                Duration.ofSeconds(10),
                "the legacy token accepted while its secret holds it",
                () -> status(token, "/api/v1/namespaces/team/pods"),
                code -> code == 200);
        // the same token in a secret of another name is not the secret it names
        String unheld = KEYS.legacyToken("team", "legacy", uid, "never-created");
        assertThat(status(unheld, "/api/v1/namespaces/team/pods")).isEqualTo(401);
        // an opaque string in a token secret is no token (kube's legacy tokens are JWTs)
        admin.run(
                        "-n",
                        "team",
                        "create",
                        "secret",
                        "generic",
                        "opaque-token",
                        "--type=kubernetes.io/service-account-token",
                        "--from-literal=token=not-a-jwt-0123456789")
                .ok();
        assertThat(status("not-a-jwt-0123456789", "/api/v1/namespaces/team/pods"))
                .isEqualTo(401);
        admin.run("-n", "team", "delete", "secret", "legacy-token").ok();
        Poll.until(
                Duration.ofSeconds(10),
                "the legacy token refused once its secret is gone",
                () -> status(token, "/api/v1/namespaces/team/pods"),
                code -> code == 401);
    }

    @Test
    void issuerDiscoveryPublishesKeysThatVerifyTokens() throws Exception {
        HttpResponse<String> config = get("admin-token", "/.well-known/openid-configuration");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
        JsonNode c = TestApiServer.JSON.readTree(config.body());
        assertThat(c.path("issuer").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(c.path("jwks_uri").asText()).isEqualTo(CLUSTER.url() + "/openid/v1/jwks");
        assertThat(c.path("response_types_supported").toString()).isEqualTo("[\"id_token\"]");
        assertThat(c.path("subject_types_supported").toString()).isEqualTo("[\"public\"]");
        assertThat(c.path("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"RS256\"]");

        HttpResponse<String> jwks = get("admin-token", "/openid/v1/jwks");
        assertThat(jwks.headers().firstValue("Content-Type")).hasValue("application/jwk-set+json");
        JWKSet set = JWKSet.parse(jwks.body());
        assertThat(set.getKeys()).hasSize(1);
        RSAKey published = set.getKeys().get(0).toRSAKey();
        assertThat(published.isPrivate()).isFalse();
        assertThat(published.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(TestApiServer.JSON
                        .readTree(jwks.body())
                        .path("keys")
                        .get(0)
                        .path("alg")
                        .asText())
                .isEqualTo("RS256");

        String token = createToken("token", "robot");
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(published.getKeyID());
        assertThat(jwt.verify(new RSASSAVerifier(published))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(c.path("issuer").asText());
        assertThat(published.getKeyID()).isEqualTo(KEYS.key().getKeyID());
    }
}
