package io.kubelite.store.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a service-account token says, in kube's claim names (pkg/serviceaccount/claims.go and
 * legacy.go): one place for the format that the signer writes and the API server reads.
 *
 * <p>A bound token: {@code iss}, {@code sub} {@code system:serviceaccount:<ns>:<name>},
 * {@code aud}, {@code exp}, {@code iat}, {@code nbf}, {@code jti} and the private claim
 * {@code kubernetes.io} = {namespace, serviceaccount{name,uid}, pod/secret/node{name,uid}}. A
 * legacy token (a Secret's {@code data.token}): issuer {@value #LEGACY_ISSUER}, {@code sub} and
 * the four {@code kubernetes.io/serviceaccount/...} claims, no expiry, no audience.
 *
 * @param namespace      the account's namespace
 * @param account        the account (name, uid)
 * @param pod            the pod the token is bound to, or null
 * @param secret         the secret the token is bound to (bound tokens) or held in (legacy), or null
 * @param node           the node the token is bound to (or the bound pod's node), or null
 * @param audiences      {@code aud}; empty for a legacy token
 * @param issuedAt       {@code iat}/{@code nbf}; null for a legacy token
 * @param expiry         {@code exp}; null for a legacy token
 * @param id             {@code jti}; null for a legacy token
 * @param legacy         a Secret-held token of the old format
 */
public record TokenClaims(
        String namespace,
        Ref account,
        Ref pod,
        Ref secret,
        Ref node,
        List<String> audiences,
        Instant issuedAt,
        Instant expiry,
        String id,
        boolean legacy) {
    /** The issuer of tokens kube kept in Secrets before TokenRequest existed. */
    public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";

    private static final String PRIVATE = "kubernetes.io";
    private static final String LEGACY_NAME = "kubernetes.io/serviceaccount/service-account.name";
    private static final String LEGACY_UID = "kubernetes.io/serviceaccount/service-account.uid";
    private static final String LEGACY_SECRET = "kubernetes.io/serviceaccount/secret.name";
    private static final String LEGACY_NAMESPACE = "kubernetes.io/serviceaccount/namespace";

    /** An object a token names: its name and uid. */
    public record Ref(String name, String uid) {
        public Ref {
            name = name == null ? "" : name;
            uid = uid == null ? "" : uid;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (!name.isEmpty()) {
                m.put("name", name);
            }
            if (!uid.isEmpty()) {
                m.put("uid", uid);
            }
            return m;
        }

        @SuppressWarnings("unchecked")
        static Ref parse(Object o) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            Object name = m.get("name");
            Object uid = m.get("uid");
            return new Ref(name instanceof String s ? s : "", uid instanceof String s ? s : "");
        }
    }

    public TokenClaims {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }

    /** kube's user name of a service account. */
    public static String username(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }

    /** The subject, {@code system:serviceaccount:<ns>:<name>}. */
    public String subject() {
        return username(namespace, account.name());
    }

    /** The claims set to sign, with {@code iss} = {@code issuer} (ignored for a legacy token). */
    JWTClaimsSet toJwt(String issuer) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(subject());
        if (legacy) {
            return b.issuer(LEGACY_ISSUER)
                    .claim(LEGACY_NAMESPACE, namespace)
                    .claim(LEGACY_SECRET, secret == null ? "" : secret.name())
                    .claim(LEGACY_NAME, account.name())
                    .claim(LEGACY_UID, account.uid())
                    .build();
        }
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("namespace", namespace);
        // sorted by name, as the go-jose that kube signs with writes them
        if (node != null) {
            k.put("node", node.json());
        }
        if (pod != null) {
            k.put("pod", pod.json());
        }
        if (secret != null) {
            k.put("secret", secret.json());
        }
        k.put("serviceaccount", account.json());
        return b.issuer(issuer)
                .audience(audiences)
                .expirationTime(Date.from(expiry))
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .jwtID(id)
                .claim(PRIVATE, k)
                .build();
    }

    /**
     * The claims of a verified token; a ParseException (its message says which claim) when they
     * are not a service-account token's.
     */
    public static TokenClaims parse(JWTClaimsSet c) throws ParseException {
        if (LEGACY_ISSUER.equals(c.getIssuer())) {
            String ns = c.getStringClaim(LEGACY_NAMESPACE);
            String name = c.getStringClaim(LEGACY_NAME);
            if (ns == null || ns.isEmpty() || name == null || name.isEmpty()) {
                throw new ParseException("a legacy token without namespace or service-account name", 0);
            }
            String secret = c.getStringClaim(LEGACY_SECRET);
            return new TokenClaims(
                    ns,
                    new Ref(name, c.getStringClaim(LEGACY_UID)),
                    null,
                    secret == null || secret.isEmpty() ? null : new Ref(secret, ""),
                    null,
                    List.of(),
                    null,
                    null,
                    null,
                    true);
        }
        Map<String, Object> k = c.getJSONObjectClaim(PRIVATE);
        if (k == null) {
            throw new ParseException("no kubernetes.io claim", 0);
        }
        Object ns = k.get("namespace");
        Ref sa = Ref.parse(k.get("serviceaccount"));
        if (!(ns instanceof String namespace)
                || namespace.isEmpty()
                || sa == null
                || sa.name().isEmpty()) {
            throw new ParseException("kubernetes.io claim without namespace or serviceaccount", 0);
        }
        if (c.getExpirationTime() == null) {
            throw new ParseException("no exp claim", 0);
        }
        return new TokenClaims(
                namespace,
                sa,
                Ref.parse(k.get("pod")),
                Ref.parse(k.get("secret")),
                Ref.parse(k.get("node")),
                c.getAudience(),
                c.getIssueTime() == null ? null : c.getIssueTime().toInstant(),
                c.getExpirationTime().toInstant(),
                c.getJWTID(),
                false);
    }
}
