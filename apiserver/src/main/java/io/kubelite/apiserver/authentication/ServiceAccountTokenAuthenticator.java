package io.kubelite.apiserver.authentication;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.apiserver.Auth;
import io.kubelite.store.serviceaccount.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates service-account JWTs as kube-apiserver's service-account authenticator does:
 * the signature against the configured public keys (by {@code kid}, else each key), the issuer
 * (one of {@code --service-account-issuer}, or kube's legacy issuer), for a bound token
 * {@code exp}/{@code nbf} (one minute of leeway, as go-jose's) and an audience among those
 * asked for, then the objects it names as they are now: the service account with the same uid,
 * the bound pod, secret or node with the same uid (a pod deleting for over a minute no longer
 * counts); for a legacy token the Secret holding exactly this token. Lookups go to the API
 * server's watch caches ({@link LiveObjects}), so a deleted pod revokes its tokens as soon as
 * the cache sees the delete, and no request waits on etcd.
 *
 * <p>The user: {@code system:serviceaccount:<ns>:<name>}, uid the account's, groups
 * {@code system:serviceaccounts}, {@code system:serviceaccounts:<ns>},
 * {@code system:authenticated}, and kube's extra (pod name and uid, node name and uid,
 * credential id {@code JTI=<jti>}). Thread-safe.
 */
public final class ServiceAccountTokenAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);
    private static final Duration LEEWAY = Duration.ofMinutes(1);
    /** kube keeps a deleting pod's tokens valid this long, for its graceful shutdown. */
    private static final Duration DELETING_POD_GRACE = Duration.ofSeconds(60);

    public static final String EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";
    public static final String EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";
    public static final String EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";
    public static final String EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";
    public static final String EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

    /** The objects a token names, as the API server's caches hold them now. */
    public interface LiveObjects {
        Optional<ObjectMeta> serviceAccount(String namespace, String name);

        Optional<ObjectMeta> pod(String namespace, String name);

        Optional<Secret> secret(String namespace, String name);

        Optional<ObjectMeta> node(String name);
    }

    /** An authenticated token: its user and the audiences it was accepted for. */
    public record Authenticated(Auth.User user, List<String> audiences) {}

    private final ServiceAccountIssuing issuing;
    private final LiveObjects live;
    private final Clock clock;
    private final Map<String, JWSVerifier> verifiers = new LinkedHashMap<>();

    public ServiceAccountTokenAuthenticator(ServiceAccountIssuing issuing, LiveObjects live, Clock clock) {
        this.issuing = issuing;
        this.live = live;
        this.clock = clock;
        DefaultJWSVerifierFactory factory = new DefaultJWSVerifierFactory();
        for (JWK k : issuing.verifyKeys()) {
            try {
                verifiers.put(
                        k.getKeyID(),
                        factory.createJWSVerifier(
                                new com.nimbusds.jose.JWSHeader(
                                        io.kubelite.store.serviceaccount.ServiceAccountKeys.algorithm(k)),
                                publicKey(k.toPublicJWK())));
            } catch (JOSEException e) {
                throw new IllegalArgumentException("key " + k.getKeyID() + " cannot verify: " + e.getMessage(), e);
            }
        }
    }

    private static java.security.Key publicKey(JWK k) throws JOSEException {
        if (k instanceof com.nimbusds.jose.jwk.RSAKey rsa) {
            return rsa.toPublicKey();
        }
        return ((com.nimbusds.jose.jwk.ECKey) k).toPublicKey();
    }

    /** Whether {@code token} looks like a JWT at all (three dot-separated parts): others are not ours to judge. */
    public static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0
                && token.indexOf('.', first + 1) > first + 1
                && token.chars().filter(c -> c == '.').count() == 2;
    }

    /**
     * The caller {@code token} authenticates as when it must be valid for one of {@code audiences}
     * (null: this server's API audiences); empty when it does not authenticate.
     */
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        if (!looksLikeJwt(token)) {
            return Optional.empty();
        }
        List<String> wanted = audiences == null || audiences.isEmpty() ? issuing.apiAudiences() : audiences;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWTClaimsSet set = jwt.getJWTClaimsSet();
            String iss = set.getIssuer();
            if (iss == null || !(issuing.issuers().contains(iss) || TokenClaims.LEGACY_ISSUER.equals(iss))) {
                return Optional.empty(); // another issuer's token: not a service-account token
            }
            if (!verified(jwt)) {
                LOG.debug(
                        "service-account token with a bad signature (kid {})",
                        jwt.getHeader().getKeyID());
                return Optional.empty();
            }
            TokenClaims c = TokenClaims.parse(set);
            List<String> accepted;
            if (c.legacy()) {
                // audience-less: valid for the API audiences only
                accepted = intersect(wanted, issuing.apiAudiences());
            } else {
                accepted = intersect(wanted, c.audiences());
                Instant now = clock.instant();
                if (c.expiry().plus(LEEWAY).isBefore(now)) {
                    return rejected(c, "expired at " + c.expiry());
                }
                Date nbf = set.getNotBeforeTime();
                if (nbf != null && nbf.toInstant().minus(LEEWAY).isAfter(now)) {
                    return rejected(c, "not valid before " + nbf.toInstant());
                }
            }
            if (accepted.isEmpty()) {
                return rejected(c, "audiences " + c.audiences() + " are none of " + wanted);
            }
            String problem = stale(c, token);
            if (problem != null) {
                return rejected(c, problem);
            }
            return Optional.of(new Authenticated(user(c), accepted));
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }

    private boolean verified(SignedJWT jwt) throws JOSEException {
        String kid = jwt.getHeader().getKeyID();
        if (kid != null && verifiers.containsKey(kid)) {
            return jwt.verify(verifiers.get(kid));
        }
        for (JWSVerifier v : verifiers.values()) {
            if (v.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm()) && jwt.verify(v)) {
                return true;
            }
        }
        return false;
    }

    /** Why the objects the token names no longer back it; null when they do. */
    private String stale(TokenClaims c, String token) {
        String ns = c.namespace();
        Optional<ObjectMeta> sa = live.serviceAccount(ns, c.account().name());
        if (sa.isEmpty() || sa.get().hasDeletionTimestamp()) {
            return "service account " + ns + "/" + c.account().name() + " not found";
        }
        if (!c.account().uid().isEmpty() && !c.account().uid().equals(sa.get().getUid())) {
            return "service account " + ns + "/" + c.account().name() + " has uid "
                    + sa.get().getUid() + ", not the token's " + c.account().uid();
        }
        if (c.legacy()) {
            Optional<Secret> s = c.secret() == null
                    ? Optional.empty()
                    : live.secret(ns, c.secret().name());
            if (s.isEmpty() || s.get().getMetadata().hasDeletionTimestamp()) {
                return "secret " + ns + "/"
                        + (c.secret() == null ? "" : c.secret().name()) + " not found";
            }
            var held = s.get().getDataMap().get("token");
            if (held == null || !MessageDigest.isEqual(held.toByteArray(), token.getBytes(StandardCharsets.UTF_8))) {
                return "secret " + ns + "/" + c.secret().name() + " does not hold this token";
            }
            return null;
        }
        if (c.secret() != null) {
            Optional<Secret> s = live.secret(ns, c.secret().name());
            if (s.isEmpty()
                    || s.get().getMetadata().hasDeletionTimestamp()
                    || !s.get().getMetadata().getUid().equals(c.secret().uid())) {
                return "bound secret " + ns + "/" + c.secret().name() + " (uid "
                        + c.secret().uid() + ") not found";
            }
        }
        if (c.pod() != null) {
            Optional<ObjectMeta> p = live.pod(ns, c.pod().name());
            if (p.isEmpty() || !p.get().getUid().equals(c.pod().uid())) {
                return "bound pod " + ns + "/" + c.pod().name() + " (uid "
                        + c.pod().uid() + ") not found";
            }
            if (p.get().hasDeletionTimestamp()
                    && Instant.ofEpochSecond(p.get().getDeletionTimestamp().getSeconds())
                            .plus(DELETING_POD_GRACE)
                            .isBefore(clock.instant())) {
                return "bound pod " + ns + "/" + c.pod().name() + " has been deleting for over a minute";
            }
        } else if (c.node() != null) {
            Optional<ObjectMeta> n = live.node(c.node().name());
            if (n.isEmpty() || !n.get().getUid().equals(c.node().uid())) {
                return "bound node " + c.node().name() + " (uid " + c.node().uid() + ") not found";
            }
        }
        return null;
    }

    private Optional<Authenticated> rejected(TokenClaims c, String why) {
        LOG.info("rejected the token of {}: {}", c.subject(), why);
        return Optional.empty();
    }

    private static List<String> intersect(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        for (String x : a) {
            if (b.contains(x) && !out.contains(x)) {
                out.add(x);
            }
        }
        return out;
    }

    private static Auth.User user(TokenClaims c) {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (c.pod() != null) {
            extra.put(EXTRA_POD_NAME, List.of(c.pod().name()));
            extra.put(EXTRA_POD_UID, List.of(c.pod().uid()));
        }
        if (c.node() != null) {
            extra.put(EXTRA_NODE_NAME, List.of(c.node().name()));
            if (!c.node().uid().isEmpty()) {
                extra.put(EXTRA_NODE_UID, List.of(c.node().uid()));
            }
        }
        if (c.id() != null && !c.id().isEmpty()) {
            extra.put(EXTRA_CREDENTIAL_ID, List.of("JTI=" + c.id()));
        }
        String ns = c.namespace();
        return new Auth.User(
                c.subject(),
                c.account().uid(),
                List.of("system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"),
                ns,
                extra);
    }
}
