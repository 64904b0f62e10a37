package io.kubelite.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The TLS kl uses for an https server. Trust: a CA bundle (PEM), the JDK's defaults, or
 * (insecure) anything. Identity: a client certificate and its private key (PEM; PKCS#8,
 * PKCS#1 RSA or SEC1 EC, as kubectl reads them), when the kubeconfig has one.
 */
final class Tls {
    private Tls() {}

    /** null when neither a CA, insecure nor a client certificate is asked for (the JDK's defaults apply). */
    static SSLContext context(byte[] caPem, boolean insecure) {
        return context(caPem, insecure, null, null);
    }

    static SSLContext context(byte[] caPem, boolean insecure, byte[] certPem, byte[] keyPem) {
        if (caPem == null && !insecure && certPem == null) {
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
            } else if (caPem != null) {
                Collection<? extends Certificate> certs = certificates(caPem, "the certificate authority");
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (Certificate c : certs) {
                    ks.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                tms = tmf.getTrustManagers();
            } else {
                tms = null; // the JDK's default trust store
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(certPem == null ? null : keyManagers(certPem, keyPem), tms, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new KlException("error: unable to load the certificate authority: " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(byte[] pem, String what)
            throws GeneralSecurityException {
        Collection<? extends Certificate> certs =
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        if (certs.isEmpty()) {
            throw new KlException("error: " + what + " holds no PEM certificate");
        }
        return certs;
    }

    private static KeyManager[] keyManagers(byte[] certPem, byte[] keyPem)
            throws GeneralSecurityException, IOException {
        Collection<? extends Certificate> chain;
        try {
            chain = certificates(certPem, "the client certificate");
        } catch (GeneralSecurityException e) {
            throw new KlException("error: unable to load the client certificate: " + e.getMessage());
        }
        PrivateKey key = privateKey(keyPem);
        char[] none = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try {
            ks.setKeyEntry("client", key, none, chain.toArray(Certificate[]::new));
        } catch (GeneralSecurityException e) {
            throw new KlException("error: the client key does not go with the client certificate: " + e.getMessage());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        return kmf.getKeyManagers();
    }

    private static PrivateKey privateKey(byte[] pem) {
        try (PEMParser parser =
                new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    return converter.getKeyPair(kp).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new KlException("error: unable to load the client key: " + e.getMessage());
        }
        throw new KlException("error: unable to load the client key: no PEM private key in it");
    }
}
