package io.kubelite.apiserver.testing;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.api.ServiceAccount;
import io.kubelite.apiserver.authentication.ServiceAccountIssuing;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.Store;
import io.kubelite.store.serviceaccount.ServiceAccountKeys;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import io.kubelite.store.serviceaccount.TokenClaims;
import java.time.Clock;

/**
 * A service-account signing key made for one test (RSA 2048, kube's key id), and the tokens a
 * token controller or kubelet would make with it: legacy Secret tokens, and any claims a test
 * wants signed (expired ones).
 */
public final class TestServiceAccountKeys {
    private final RSAKey key;
    private final ServiceAccountTokenSigner signer;

    private TestServiceAccountKeys(RSAKey key) {
        this.key = key;
        this.signer = new ServiceAccountTokenSigner(ServiceAccountIssuing.DEFAULT_ISSUER, key, Clock.systemUTC());
    }

    /** A new RSA key pair. */
    public static TestServiceAccountKeys generate() {
        try {
            RSAKey k = new RSAKeyGenerator(2048).generate();
            return new TestServiceAccountKeys(new RSAKey.Builder(k)
                    .keyID(ServiceAccountKeys.keyId(k.toPublicKey()))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .build());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public ServiceAccountTokenSigner signer() {
        return signer;
    }

    public RSAKey key() {
        return key;
    }

    /** The API server's settings: this key signs and verifies, issuer and audience kube's default. */
    public ServiceAccountIssuing issuing() {
        return ServiceAccountIssuing.of(signer);
    }

    /**
     * Creates ServiceAccount {@code namespace/account} (keeping one that exists) and a
     * {@code kubernetes.io/service-account-token} Secret {@code secretName} holding its legacy
     * token, as a user creates it and the token controller fills it; returns the token.
     */
    public String createLegacyToken(Store store, String namespace, String account, String secretName) {
        ServiceAccount sa;
        try {
            sa = store.of(ServiceAccountKind.RESOURCE)
                    .create(ServiceAccount.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(namespace)
                                    .setName(account))
                            .build())
                    .join();
        } catch (java.util.concurrent.CompletionException e) {
            sa = store.of(ServiceAccountKind.RESOURCE).get(namespace, account).join();
        }
        String token = legacyToken(namespace, account, sa.getMetadata().getUid(), secretName);
        store.of(SecretKind.RESOURCE)
                .create(Secret.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName(secretName)
                                .setNamespace(namespace)
                                .putAnnotations("kubernetes.io/service-account.name", account)
                                .putAnnotations(
                                        "kubernetes.io/service-account.uid",
                                        sa.getMetadata().getUid()))
                        .setType("kubernetes.io/service-account-token")
                        .putData("token", ByteString.copyFromUtf8(token))
                        .putData("namespace", ByteString.copyFromUtf8(namespace))
                        .build())
                .join();
        return token;
    }

    /** What the token controller writes into a {@code kubernetes.io/service-account-token} Secret. */
    public String legacyToken(String namespace, String account, String accountUid, String secretName) {
        return signer.legacy(namespace, new TokenClaims.Ref(account, accountUid), secretName);
    }
}
