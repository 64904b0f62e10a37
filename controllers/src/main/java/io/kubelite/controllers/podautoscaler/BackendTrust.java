package io.kubelite.controllers.podautoscaler;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust an APIService asks for, as kube-aggregator's proxy transport applies it: anything when
 * {@code insecureSkipTLSVerify}; otherwise the {@code caBundle}'s certificates (the JVM's roots when
 * empty) with the certificate's DNS names checked against the Service's {@code <name>.<namespace>.svc},
 * not the loopback address the request is sent to.
 */
final class BackendTrust {
    private BackendTrust() {}

    static SSLContext context(boolean insecure, ByteString caBundle, String serverName)
            throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        X509TrustManager tm = insecure ? null : chainChecker(caBundle);
        ctx.init(null, new javax.net.ssl.TrustManager[] {new Checking(tm, serverName)}, null);
        return ctx;
    }

    private static X509TrustManager chainChecker(ByteString caBundle) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caBundle.isEmpty()) {
            f.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                ks.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(caBundle.toByteArray()))) {
                ks.setCertificateEntry("ca-" + i++, cert);
            }
            f.init(ks);
        }
        for (var t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Checks the chain (unless insecure) and the leaf's DNS names; the JDK's own host check never runs. */
    private static final class Checking extends X509ExtendedTrustManager {
        private final X509TrustManager chain;
        private final String serverName;

        Checking(X509TrustManager chain, String serverName) {
            this.chain = chain;
            this.serverName = serverName;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            if (chain == null) {
                return;
            }
            chain.checkServerTrusted(certs, authType);
            if (!names(certs[0]).contains(serverName)) {
                throw new CertificateException(
                        "x509: certificate is not valid for " + serverName + " (names: " + names(certs[0]) + ")");
            }
        }

        private static List<String> names(X509Certificate c) throws CertificateException {
            try {
                var sans = c.getSubjectAlternativeNames();
                return sans == null
                        ? List.of()
                        : sans.stream()
                                .filter(s -> ((Integer) s.get(0)) == 2)
                                .map(s -> (String) s.get(1))
                                .toList();
            } catch (java.security.cert.CertificateParsingException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
