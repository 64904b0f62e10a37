package io.kubelite.kubelet.config;

import com.nimbusds.jwt.SignedJWT;
import io.kubelite.api.Pod;
import io.kubelite.api.ServiceAccountTokenProjection;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import io.kubelite.store.serviceaccount.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tokens of {@code serviceAccountToken} projections. With the cluster's signing key
 * ({@code --service-account-signing-key-file}) they are real bound tokens, as the API server's
 * TokenRequest would answer the kubelet: audience the projection's (else the issuer), lifetime
 * its {@code expirationSeconds} (default 3600), bound to the pod and its node, so the API server
 * accepts them until the pod is deleted. kubelet-sim mints them itself because it talks only to
 * etcd; the key gives it nothing new, since etcd access already lets it write any object. A
 * volume keeps its token until the kubelet's token manager would renew it ({@link
 * #dueForRenewal}): past 80 % of its lifetime or 24 hours. Without a key: a JWT-shaped string
 * with an unsigned signature that authenticates nowhere (the same string on every sync).
 */
public final class ProjectedTokens {
    /** Unsigned tokens: no key configured. */
    public static final ProjectedTokens UNSIGNED = new ProjectedTokens(null);

    /** kube's token manager: a token older than this is renewed whatever its lifetime. */
    static final Duration MAX_AGE = Duration.ofHours(24);
    /** kube's token manager: renewals come up to this much early, so pods started together spread theirs. */
    static final Duration MAX_JITTER = Duration.ofSeconds(10);

    private final ServiceAccountTokenSigner signer;
    private final Clock clock;

    public ProjectedTokens(ServiceAccountTokenSigner signer) {
        this(signer, Clock.systemUTC());
    }

    /** {@code clock} decides when a token is due for renewal; the signer's own clock stamps it. */
    ProjectedTokens(ServiceAccountTokenSigner signer, Clock clock) {
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * The token for {@code pod}'s service account ({@code accountUid} empty when unknown):
     * {@code held}, the token the volume holds (null if none), while it is not {@link
     * #dueForRenewal}, else a new one.
     */
    public String token(Pod pod, ServiceAccountTokenProjection p, String accountUid, String held) {
        String ns = pod.getMetadata().getNamespace();
        String sa = pod.getSpec().getServiceAccountName().isEmpty()
                ? "default"
                : pod.getSpec().getServiceAccountName();
        if (signer == null) {
            return unsigned(pod, ns, sa, p.getAudience());
        }
        if (held != null && !dueForRenewal(held, accountUid)) {
            return held;
        }
        long seconds = p.hasExpirationSeconds() ? p.getExpirationSeconds() : 3600;
        String node = pod.getSpec().getNodeName();
        return signer.bound(
                        ns,
                        new TokenClaims.Ref(sa, accountUid),
                        new TokenClaims.Ref(
                                pod.getMetadata().getName(), pod.getMetadata().getUid()),
                        null,
                        node.isEmpty() ? null : new TokenClaims.Ref(node, ""),
                        List.of(p.getAudience().isEmpty() ? signer.issuer() : p.getAudience()),
                        Duration.ofSeconds(seconds))
                .value();
    }

    /**
     * Whether the kubelet would ask for a new token in place of {@code held}: as kube's token
     * manager, once it is older than 80 % of its lifetime or than {@link #MAX_AGE}, each less a
     * random jitter of up to {@link #MAX_JITTER}. Also when it cannot be read, or names another
     * account uid than {@code accountUid} (the account was re-created, or its uid was not known
     * yet when the token was minted): the API server would refuse it. Minting on every volume
     * sync instead signed every running pod's token every minute, a public-key signature each.
     */
    boolean dueForRenewal(String held, String accountUid) {
        TokenClaims c;
        try {
            c = TokenClaims.parse(SignedJWT.parse(held).getJWTClaimsSet());
        } catch (ParseException e) {
            return true;
        }
        if (c.issuedAt() == null || c.expiry() == null || !c.account().uid().equals(accountUid)) {
            return true;
        }
        Instant now = clock.instant();
        Duration jitter = Duration.ofMillis(ThreadLocalRandom.current().nextLong(MAX_JITTER.toMillis()));
        Duration lifetime = Duration.between(c.issuedAt(), c.expiry());
        return now.isAfter(c.issuedAt().plus(MAX_AGE).minus(jitter))
                || now.isAfter(c.expiry().minus(lifetime.dividedBy(5)).minus(jitter));
    }

    private static String unsigned(Pod pod, String ns, String sa, String audience) {
        String aud = audience.isEmpty() ? "https://kubernetes.default.svc.cluster.local" : audience;
        String header = "{\"alg\":\"RS256\",\"kid\":\"kubelite-sim\"}";
        String claims = "{\"aud\":[\"" + aud + "\"],\"iss\":\"https://kubernetes.default.svc.cluster.local\","
                + "\"kubernetes.io\":{\"namespace\":\"" + ns + "\",\"node\":{\"name\":\""
                + pod.getSpec().getNodeName()
                + "\"},\"pod\":{\"name\":\"" + pod.getMetadata().getName() + "\",\"uid\":\""
                + pod.getMetadata().getUid()
                + "\"},\"serviceaccount\":{\"name\":\"" + sa + "\"}},\"sub\":\"system:serviceaccount:" + ns + ":" + sa
                + "\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("kubelite-sim-unsigned".getBytes(StandardCharsets.UTF_8));
    }
}
