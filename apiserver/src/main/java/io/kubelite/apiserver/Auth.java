package io.kubelite.apiserver;

import io.kubelite.api.Secret;
import io.kubelite.store.watch.WatchEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authentication by client certificate and bearer token.
 *
 * <p>Client certificates ({@code --client-ca-file}, see {@link ClientCertAuthenticator}): CN is
 * the user, each O a group. As in kube-apiserver they are tried first; a certificate that does
 * not verify falls through to the token, and a request with neither gets 401.
 *
 * <p>Tokens: a static token file ({@code --token-auth-file}, kube-apiserver's CSV:
 * {@code token,user,uid[,"group1,group2"]}) and ServiceAccount token Secrets (type
 * {@code kubernetes.io/service-account-token}, {@code data.token}, annotation
 * {@code kubernetes.io/service-account.name}), read through the API server's watch cache of secrets.
 *
 * <p>Requests without any credential get 401, or — with {@code --anonymous-auth} — act as
 * {@code system:anonymous} in {@code system:unauthenticated}. What a user may do is decided
 * afterwards, by the authorizer ({@code io.kubelite.apiserver.authorization}).
 */
public final class Auth {
    public static final String SA_TOKEN_TYPE = "kubernetes.io/service-account-token";
    public static final String SA_NAME_ANNOTATION = "kubernetes.io/service-account.name";

    /**
     * An authenticated caller: name, uid (the token file's third column, a service account's
     * uid; may be empty), groups. {@code namespace} is non-null for a service account.
     */
    public record User(String name, String uid, List<String> groups, String namespace) {
        public User {
            uid = uid == null ? "" : uid;
            groups = List.copyOf(groups);
        }

        /** A caller without a uid. */
        public User(String name, List<String> groups, String namespace) {
            this(name, "", groups, namespace);
        }

        public boolean isServiceAccount() {
            return namespace != null;
        }
    }

    public static final String SA_UID_ANNOTATION = "kubernetes.io/service-account.uid";

    public static final User ANONYMOUS = new User("system:anonymous", List.of("system:unauthenticated"), null);

    private final Map<String, User> staticTokens;
    private final Map<String, User> saTokens = new ConcurrentHashMap<>();
    private final boolean anonymous;
    private final ClientCertAuthenticator clientCerts;

    public Auth(Map<String, User> staticTokens, boolean anonymous) {
        this(staticTokens, anonymous, null);
    }

    /** {@code clientCerts}: null when no client CA is configured (certificates are then not asked for). */
    Auth(Map<String, User> staticTokens, boolean anonymous, ClientCertAuthenticator clientCerts) {
        this.staticTokens = Map.copyOf(staticTokens);
        this.anonymous = anonymous;
        this.clientCerts = clientCerts;
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

    /** Keeps the service-account token map in step with the secrets watch cache. */
    public WatchCache.Sink<Secret> secretsSink() {
        return new WatchCache.Sink<>() {
            @Override
            public void change(WatchChange<Secret> c) {
                if (c.previous() != null) {
                    remove(c.previous());
                }
                if (c.type() == WatchEvent.Type.DELETED) {
                    remove(c.object());
                } else {
                    put(c.object());
                }
            }

            @Override
            public void bookmark(long revision) {}

            @Override
            public void expired(String message) {}
        };
    }

    private void put(Secret s) {
        if (!SA_TOKEN_TYPE.equals(s.getType())) {
            return;
        }
        var token = s.getDataMap().get("token");
        String sa = s.getMetadata().getAnnotationsMap().get(SA_NAME_ANNOTATION);
        if (token == null || token.isEmpty() || sa == null || sa.isEmpty()) {
            return;
        }
        String ns = s.getMetadata().getNamespace();
        saTokens.put(
                token.toString(StandardCharsets.UTF_8).trim(),
                new User(
                        "system:serviceaccount:" + ns + ":" + sa,
                        s.getMetadata().getAnnotationsMap().getOrDefault(SA_UID_ANNOTATION, ""),
                        List.of("system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"),
                        ns));
    }

    private void remove(Secret s) {
        var token = s.getDataMap().get("token");
        if (token != null) {
            saTokens.remove(token.toString(StandardCharsets.UTF_8).trim());
        }
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
        String token = h.substring(7).trim();
        User u = staticTokens.get(token);
        return u != null ? u : saTokens.get(token);
    }
}
