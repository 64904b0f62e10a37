package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.api.ServiceAccount;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.serviceaccount.ServiceAccountKeys;
import io.kubelite.store.serviceaccount.TokenClaims;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokens controller with a real signing key file: a token Secret a user creates for an
 * account is filled with a legacy JWT that verifies with the key's public half, ca.crt and
 * namespace; one for an account that does not exist is deleted; nothing is made unasked.
 */
class ServiceAccountTokenControllerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void fillsTokenSecretsUsersCreateAndDeletesThoseOfMissingAccounts(@TempDir Path dir) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        var kp = g.generateKeyPair();
        Path key = dir.resolve("sa.key");
        Files.writeString(
                key,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(kp.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nnot parsed here\n-----END CERTIFICATE-----\n");
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(
                ETCD, "--service-account-private-key-file", key.toString(), "--root-ca-file", ca.toString())) {
            ServiceAccount robot = h.join(h.of(ServiceAccountKind.RESOURCE)
                    .create(ServiceAccount.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("robot"))
                            .build()));
            h.join(h.of(SecretKind.RESOURCE).create(tokenSecret("robot-token", "robot")));
            Secret filled = Poll.until(
                    Duration.ofSeconds(10),
                    "robot-token filled by the tokens controller",
                    () -> h.getOrNull(SecretKind.RESOURCE, "default", "robot-token"),
                    s -> s != null && s.getDataMap().containsKey("token"));
            assertThat(filled.getMetadata().getAnnotationsMap())
                    .containsEntry(
                            "kubernetes.io/service-account.uid",
                            robot.getMetadata().getUid());
            assertThat(filled.getDataMap().get("namespace").toStringUtf8()).isEqualTo("default");
            assertThat(filled.getDataMap().get("ca.crt").toByteArray()).isEqualTo(Files.readAllBytes(ca));

            SignedJWT jwt = SignedJWT.parse(filled.getDataMap().get("token").toStringUtf8());
            JWK pub = ServiceAccountKeys.publicKeys(List.of(key)).get(0);
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(ServiceAccountKeys.keyId(kp.getPublic()));
            assertThat(jwt.verify(new RSASSAVerifier(pub.toRSAKey()))).isTrue();
            TokenClaims c = TokenClaims.parse(jwt.getJWTClaimsSet());
            assertThat(c.legacy()).isTrue();
            assertThat(c.subject()).isEqualTo("system:serviceaccount:default:robot");
            assertThat(c.account().uid()).isEqualTo(robot.getMetadata().getUid());
            assertThat(c.secret().name()).isEqualTo("robot-token");
            assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isNull();

            h.join(h.of(SecretKind.RESOURCE).create(tokenSecret("ghost-token", "ghost")));
            Poll.until(
                    Duration.ofSeconds(10),
                    "ghost-token (no such ServiceAccount) deleted",
                    () -> h.getOrNull(SecretKind.RESOURCE, "default", "ghost-token"),
                    s -> s == null);
            h.join(h.of(ServiceAccountKind.RESOURCE).delete("default", "robot"));
            Poll.until(
                    Duration.ofSeconds(10),
                    "robot-token deleted with its ServiceAccount",
                    () -> h.getOrNull(SecretKind.RESOURCE, "default", "robot-token"),
                    s -> s == null);
            // the default account gets no token of its own
            assertThat(h.list(SecretKind.RESOURCE, "default")).isEmpty();
        }
    }

    private static Secret tokenSecret(String name, String account) {
        return Secret.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putAnnotations("kubernetes.io/service-account.name", account))
                .setType("kubernetes.io/service-account-token")
                .putData("placeholder", ByteString.EMPTY)
                .build();
    }
}
