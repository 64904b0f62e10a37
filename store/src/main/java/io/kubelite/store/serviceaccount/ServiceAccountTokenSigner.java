package io.kubelite.store.serviceaccount;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Signs service-account tokens as kube-apiserver's token generator does: a compact JWS with
 * header {@code alg} (RS256 for an RSA key, ES256/384/512 for ECDSA) and {@code kid} (kube's
 * key id, {@link ServiceAccountKeys#keyId}), claims {@link TokenClaims}. Used by the API server
 * (TokenRequest), the token controller (legacy Secret tokens) and kubelet-sim (projected
 * tokens); all must share one key, the one the API servers verify with. Immutable and thread-safe.
 */
public final class ServiceAccountTokenSigner {
    private final String issuer;
    private final JWK key;
    private final JWSSigner signer;
    private final Clock clock;

    public ServiceAccountTokenSigner(String issuer, JWK key, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer);
        this.key = Objects.requireNonNull(key);
        this.clock = clock;
        try {
            this.signer = new DefaultJWSSignerFactory().createJWSSigner(key, ServiceAccountKeys.algorithm(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the key cannot sign: " + e.getMessage(), e);
        }
    }

    /** The signer of the PEM private key in {@code keyFile}, for tokens of {@code issuer}. */
    public static ServiceAccountTokenSigner fromFile(String issuer, Path keyFile) throws IOException {
        return new ServiceAccountTokenSigner(issuer, ServiceAccountKeys.signingKey(keyFile), Clock.systemUTC());
    }

    public String issuer() {
        return issuer;
    }

    /** The public half of the signing key (what verifiers need). */
    public JWK publicKey() {
        return key.toPublicJWK();
    }

    /** A token: its compact form and its claims. */
    public record Token(String value, TokenClaims claims) {}

    /**
     * A bound token for {@code account} in {@code namespace}, valid from now for {@code lifetime}
     * (whole seconds), for {@code audiences}, bound to the given objects (each may be null).
     */
    public Token bound(
            String namespace,
            TokenClaims.Ref account,
            TokenClaims.Ref pod,
            TokenClaims.Ref secret,
            TokenClaims.Ref node,
            List<String> audiences,
            Duration lifetime) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        TokenClaims c = new TokenClaims(
                namespace,
                account,
                pod,
                secret,
                node,
                audiences,
                now,
                now.plus(lifetime),
                UUID.randomUUID().toString(),
                false);
        return new Token(sign(c), c);
    }

    /** A legacy (no expiry, no audience) token for {@code account}, held in Secret {@code secretName}. */
    public String legacy(String namespace, TokenClaims.Ref account, String secretName) {
        return sign(new TokenClaims(
                namespace,
                account,
                null,
                new TokenClaims.Ref(secretName, ""),
                null,
                List.of(),
                null,
                null,
                null,
                true));
    }

    /** Signs exactly {@code claims} (tests use it to make tokens a real signer would not, expired ones). */
    public String sign(TokenClaims claims) {
        Map<String, Object> payload = claims.toJwt(issuer).toJSONObject();
        if (!claims.audiences().isEmpty()) {
            // kube writes aud as an array even for one audience; nimbus would write a bare string
            payload.put("aud", claims.audiences());
        }
        JWSObject jwt = new JWSObject(
                new JWSHeader.Builder(ServiceAccountKeys.algorithm(key))
                        .keyID(key.getKeyID())
                        .build(),
                new Payload(payload));
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a service-account token failed", e);
        }
        return jwt.serialize();
    }
}
