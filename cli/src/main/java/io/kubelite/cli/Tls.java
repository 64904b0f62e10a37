package io.kubelite.cli;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The TLS trust kl uses for an https server: a CA bundle (PEM), the JDK's defaults, or (insecure) anything. */
final class Tls {
    private Tls() {}

    /** null when neither a CA nor insecure is asked for (the JDK's default trust store applies). */
    static SSLContext context(byte[] caPem, boolean insecure) {
        if (caPem == null && !insecure) {
            return null;
        }
        try {
            TrustManager[] tms;
            if (insecure) {
                // kubectl's insecure-skip-tls-verify; host names are still checked by the JDK client
                tms = new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                };
            } else {
                Collection<? extends Certificate> certs =
                        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(caPem));
                if (certs.isEmpty()) {
                    throw new KlException("error: the certificate authority holds no PEM certificate");
                }
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (Certificate c : certs) {
                    ks.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                tms = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tms, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new KlException("error: unable to load the certificate authority: " + e.getMessage());
        }
    }
}
