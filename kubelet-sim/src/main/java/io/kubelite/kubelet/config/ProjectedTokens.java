package io.kubelite.kubelet.config;

import io.kubelite.api.Pod;
import io.kubelite.api.ServiceAccountTokenProjection;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import io.kubelite.store.serviceaccount.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The tokens of {@code serviceAccountToken} projections. With the cluster's signing key
 * ({@code --service-account-signing-key-file}) they are real bound tokens, as the API server's
 * TokenRequest would answer the kubelet: audience the projection's (else the issuer), lifetime
 * its {@code expirationSeconds} (default 3600), bound to the pod and its node, so the API server
 * accepts them until the pod is deleted. kubelet-sim mints them itself because it talks only to
 * etcd; the key gives it nothing new, since etcd access already lets it write any object. A
 * fresh token is minted on each volume sync (kube's kubelet refreshes at 80 % of the lifetime;
 * each sync here is far earlier). Without a key: a JWT-shaped string with an unsigned signature
 * that authenticates nowhere.
 */
public final class ProjectedTokens {
    /** Unsigned tokens: no key configured. */
    public static final ProjectedTokens UNSIGNED = new ProjectedTokens(null);

    private final ServiceAccountTokenSigner signer;

    public ProjectedTokens(ServiceAccountTokenSigner signer) {
        this.signer = signer;
    }

    /** The token for {@code pod}'s service account ({@code accountUid} empty when unknown). */
    public String token(Pod pod, ServiceAccountTokenProjection p, String accountUid) {
        String ns = pod.getMetadata().getNamespace();
        String sa = pod.getSpec().getServiceAccountName().isEmpty()
                ? "default"
                : pod.getSpec().getServiceAccountName();
        if (signer == null) {
            return unsigned(pod, ns, sa, p.getAudience());
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
