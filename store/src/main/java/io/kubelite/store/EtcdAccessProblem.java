package io.kubelite.store;

import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Recognises failures of an etcd call that retrying cannot cure, because etcd refuses this
 * client: wrong or missing credentials, a TLS handshake that fails (no client certificate
 * where etcd requires one, a CA that did not sign etcd's certificate). A process waiting
 * for etcd at startup stops at once with this one line instead of waiting out its timeout.
 */
public final class EtcdAccessProblem {
    private EtcdAccessProblem() {}

    /** The user-facing reason, naming the flags to check; empty for any other failure. */
    public static Optional<String> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String msg = String.valueOf(t.getMessage());
            if (msg.contains("authentication failed, invalid user ID or password")) {
                return Optional.of("etcd refused the credentials: authentication failed, invalid user ID or password"
                        + " (check --etcd-username and --etcd-password-file)");
            }
            if (msg.contains("user name is empty") || msg.contains("user name not found")) {
                return Optional.of("etcd requires authentication (auth is enabled):"
                        + " set --etcd-username and --etcd-password-file");
            }
            if (msg.contains("permission denied")) {
                return Optional.of("etcd denied the request: the etcd user lacks a role granting read/write on the"
                        + " key prefix");
            }
            if (t instanceof SSLException) {
                return Optional.of("TLS handshake with etcd failed: " + msg
                        + " (check --etcd-cafile, --etcd-certfile and --etcd-keyfile against etcd's"
                        + " --trusted-ca-file and --client-cert-auth)");
            }
        }
        return Optional.empty();
    }
}
