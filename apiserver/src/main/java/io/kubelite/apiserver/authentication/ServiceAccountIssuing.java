package io.kubelite.apiserver.authentication;

import com.nimbusds.jose.jwk.JWK;
import io.kubelite.store.serviceaccount.ServiceAccountKeys;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The API server's service-account token settings, as kube-apiserver's flags give them:
 * {@code --service-account-issuer} (the first names new tokens; every one is accepted),
 * {@code --service-account-signing-key-file} (signs TokenRequest tokens),
 * {@code --service-account-key-file} (public keys tokens are verified with, besides the signing
 * key's), {@code --api-audiences} (default: the issuers) and {@code --service-account-jwks-uri}.
 *
 * @param issuers      accepted issuers; the first is written into new tokens
 * @param signer       the signer of new tokens; null: TokenRequest is not served (kube: the
 *                     subresource is not installed without a signing key)
 * @param verifyKeys   public keys accepted (the signer's is added), by kid
 * @param apiAudiences the audiences a token must name one of to authenticate against this server
 * @param jwksUri      the JWKS URL discovery names; null: this server's {@code /openid/v1/jwks}
 */
public record ServiceAccountIssuing(
        List<String> issuers,
        ServiceAccountTokenSigner signer,
        List<JWK> verifyKeys,
        List<String> apiAudiences,
        String jwksUri) {
    /** kubeadm's issuer (and kube's in-cluster DNS name of the API server). */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

    public ServiceAccountIssuing {
        issuers = List.copyOf(issuers);
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("--service-account-issuer: at least one issuer is needed");
        }
        Map<String, JWK> byKid = new LinkedHashMap<>();
        if (signer != null) {
            if (!signer.issuer().equals(issuers.get(0))) {
                throw new IllegalArgumentException("the signer's issuer must be the first issuer");
            }
            byKid.put(signer.publicKey().getKeyID(), signer.publicKey());
        }
        for (JWK k : verifyKeys) {
            byKid.putIfAbsent(k.getKeyID(), k.toPublicJWK());
        }
        verifyKeys = List.copyOf(byKid.values());
        apiAudiences = apiAudiences == null || apiAudiences.isEmpty() ? issuers : List.copyOf(apiAudiences);
    }

    /**
     * From the flags' values: a null {@code signingKeyFile} leaves TokenRequest off (tokens are
     * still verified with {@code keyFiles}). IOException with one line naming a bad file.
     */
    public static ServiceAccountIssuing fromFlags(
            List<String> issuers, Path signingKeyFile, List<Path> keyFiles, List<String> apiAudiences, String jwksUri)
            throws IOException {
        List<String> iss = issuers == null || issuers.isEmpty() ? List.of(DEFAULT_ISSUER) : issuers;
        ServiceAccountTokenSigner signer =
                signingKeyFile == null ? null : ServiceAccountTokenSigner.fromFile(iss.get(0), signingKeyFile);
        List<JWK> keys = new ArrayList<>(ServiceAccountKeys.publicKeys(keyFiles == null ? List.of() : keyFiles));
        return new ServiceAccountIssuing(iss, signer, keys, apiAudiences, jwksUri);
    }

    /** Settings for {@code signer}'s issuer and key alone, audiences the issuer (tests, embedding). */
    public static ServiceAccountIssuing of(ServiceAccountTokenSigner signer) {
        Objects.requireNonNull(signer);
        return new ServiceAccountIssuing(List.of(signer.issuer()), signer, List.of(), null, null);
    }

    /** Whether OIDC discovery is served: kube serves it only for an https issuer URL. */
    public boolean servesDiscovery() {
        try {
            URI u = URI.create(issuers.get(0));
            return "https".equals(u.getScheme()) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
