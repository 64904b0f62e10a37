package io.kubelite.apiserver;

import io.kubelite.apiserver.authentication.ServiceAccountTokenAuthenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authentication by client certificate and bearer token.
 *
 * <p>Client certificates ({@code --client-ca-file}, see {@link ClientCertAuthenticator}): CN is
 * the user, each O a group. As in kube-apiserver they are tried first; a certificate that does
 * not verify falls through to the token, and a request with neither gets 401.
 *
 * <p>Tokens: a static token file ({@code --token-auth-file}, kube-apiserver's CSV:
 * {@code token,user,uid[,"group1,group2"]}) and service-account JWTs (TokenRequest tokens, pods'
 * projected tokens and legacy Secret tokens), verified by {@link ServiceAccountTokenAuthenticator}.
 *
 * <p>Requests without any credential get 401, or — with {@code --anonymous-auth} — act as
 * {@code system:anonymous} in {@code system:unauthenticated}. What a user may do is decided
 * afterwards, by the authorizer ({@code io.kubelite.apiserver.authorization}).
 */
public final class Auth {
    /**
     * An authenticated caller: name, uid (the token file's third column, a service account's
     * uid; may be empty), groups, kube's extra attributes (a bound token's pod and credential id).
     * {@code namespace} is non-null for a service account.
     */
    public record User(
            String name, String uid, List<String> groups, String namespace, Map<String, List<String>> extra) {
        public User {
            uid = uid == null ? "" : uid;
            groups = List.copyOf(groups);
            extra = extra == null ? Map.of() : Map.copyOf(extra);
        }

        /** A caller without extra attributes. */
        public User(String name, String uid, List<String> groups, String namespace) {
            this(name, uid, groups, namespace, Map.of());
        }

        /** A caller without a uid. */
        public User(String name, List<String> groups, String namespace) {
            this(name, "", groups, namespace);
        }

        public boolean isServiceAccount() {
            return namespace != null;
        }
    }

    public static final User ANONYMOUS = new User("system:anonymous", List.of("system:unauthenticated"), null);

    private final Map<String, User> staticTokens;
    private final boolean anonymous;
    private final ClientCertAuthenticator clientCerts;
    private final ServiceAccountTokenAuthenticator serviceAccounts;

    public Auth(Map<String, User> staticTokens, boolean anonymous) {
        this(staticTokens, anonymous, null, null);
    }

    /**
     * {@code clientCerts}: null when no client CA is configured (certificates are then not asked
     * for); {@code serviceAccounts}: null when no service-account keys are configured.
     */
    Auth(
            Map<String, User> staticTokens,
            boolean anonymous,
            ClientCertAuthenticator clientCerts,
            ServiceAccountTokenAuthenticator serviceAccounts) {
        this.staticTokens = Map.copyOf(staticTokens);
        this.anonymous = anonymous;
        this.clientCerts = clientCerts;
        this.serviceAccounts = serviceAccounts;
    }

    /** Reads a kube-apiserver static token file. */
    public static Map<String, User> readTokenFile(Path file) throws IOException {
        Map<String, User> out = new ConcurrentHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> cols = csv(line);
            if (cols.size() < 3) {
                throw new IOException(file + ":" + lineNo + ": expected token,user,uid[,groups]");
            }
            List<String> groups = new ArrayList<>();
            if (cols.size() > 3 && !cols.get(3).isBlank()) {
                for (String g : cols.get(3).split(",")) {
                    groups.add(g.trim());
                }
            }
            groups.add("system:authenticated");
            out.put(cols.get(0).trim(), new User(cols.get(1).trim(), cols.get(2).trim(), groups, null));
        }
        return out;
    }

    private static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * The caller of a request with this Authorization header value, or null when the
     * request must get 401.
     */
    public User authenticate(String authorization) {
        return authenticate(List.of(), authorization);
    }

    /**
     * The caller of a request that presented {@code clientChain} (leaf first; empty for none)
     * and this Authorization header value, or null when the request must get 401.
     */
    public User authenticate(List<java.security.cert.X509Certificate> clientChain, String authorization) {
        boolean presentedCert = clientCerts != null && !clientChain.isEmpty();
        if (presentedCert) {
            User u = clientCerts.authenticate(clientChain);
            if (u != null) {
                return u;
            }
        }
        if (authorization == null || authorization.isBlank()) {
            // kube: anonymous only when no credential was presented at all
            return anonymous && !presentedCert ? ANONYMOUS : null;
        }
        String h = authorization.trim();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authenticateToken(h.substring(7).trim(), null)
                .map(ServiceAccountTokenAuthenticator.Authenticated::user)
                .orElse(null);
    }

    /**
     * The caller a bearer token stands for when it must be valid for one of {@code audiences}
     * (null: the API server's own): a static token (valid for the API audiences only), else a
     * service-account token. Empty when it authenticates as no one.
     */
    public Optional<ServiceAccountTokenAuthenticator.Authenticated> authenticateToken(
            String token, List<String> audiences) {
        User u = staticTokens.get(token);
        if (u != null) {
            // audience-unaware, as kube's token file: whatever was asked for
            return Optional.of(
                    new ServiceAccountTokenAuthenticator.Authenticated(u, audiences == null ? List.of() : audiences));
        }
        return serviceAccounts == null ? Optional.empty() : serviceAccounts.authenticate(token, audiences);
    }
}
