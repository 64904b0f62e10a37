package io.kubelite.apiserver;

import io.kubelite.apiserver.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.X509TrustManager;

/**
 * kube-apiserver's {@code --client-ca-file} authentication: a client certificate that chains to
 * one of the CA file's certificates and allows client auth is the user named by its subject's
 * CN, in the groups named by its O entries (plus {@code system:authenticated}).
 *
 * <p>As in kube, the TLS handshake only asks for a certificate (naming these CAs, so clients
 * pick a matching one) and accepts any: the check happens here, per request, so a wrong
 * certificate gets kube's 401 {@code Unauthorized} rather than a handshake failure.
 */
final class ClientCertAuthenticator {
    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";

    private final List<X509Certificate> cas;
    private final Set<TrustAnchor> anchors = new HashSet<>();

    ClientCertAuthenticator(List<X509Certificate> cas) {
        this.cas = List.copyOf(cas);
        cas.forEach(c -> anchors.add(new TrustAnchor(c, null)));
    }

    /** Reads the PEM CA bundle; IOException with a one-line message when it holds no certificate. */
    static ClientCertAuthenticator fromFile(Path caFile) throws IOException {
        return new ClientCertAuthenticator(Pem.readCertificates(caFile));
    }

    /** The user of a verified certificate chain (leaf first), or null when it is not to be trusted. */
    Auth.User authenticate(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return null;
        }
        X509Certificate leaf = chain.get(0);
        try {
            if (!allowsClientAuth(leaf)) {
                return null;
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
        } catch (GeneralSecurityException e) {
            return null;
        }
        String user = null;
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    user = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        if (user == null || user.isEmpty()) {
            return null; // kube: "common name of the client certificate is empty"
        }
        groups.add("system:authenticated");
        return new Auth.User(user, List.copyOf(groups), null);
    }

    private static boolean allowsClientAuth(X509Certificate leaf) throws GeneralSecurityException {
        List<String> eku = leaf.getExtendedKeyUsage();
        return eku == null || eku.contains(CLIENT_AUTH_EKU) || eku.contains(ANY_EKU);
    }

    /**
     * The handshake's trust manager: names these CAs in the certificate request and lets every
     * client certificate through to {@link #authenticate}. Server certificates are not its job.
     */
    X509TrustManager handshakeTrust() {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("not a client");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return cas.toArray(X509Certificate[]::new);
            }
        };
    }
}
