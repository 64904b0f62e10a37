package io.kubelite.apiserver;

import io.kubelite.apiserver.pki.Pem;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The API server's {@code --tls-cert-file}/{@code --tls-private-key-file}, read as kube-apiserver
 * reads them: the certificate chain (leaf first) and a private key in any PEM form (PKCS#8,
 * PKCS#1 RSA, SEC1 EC). Read once, here, so a bad file fails start-up with one line naming it.
 */
final class ServingCertificate {
    private ServingCertificate() {}

    static KeyCertOptions load(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = Pem.readCertificates(certFile);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        try {
            char[] none = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("serving", key, none, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            return KeyCertOptions.wrap((X509KeyManager) kmf.getKeyManagers()[0]);
        } catch (GeneralSecurityException e) {
            throw new IOException(keyFile + " does not go with " + certFile + ": " + e.getMessage());
        }
    }
}
