package io.kubelite.store;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the PEM files of an {@link EtcdTls} into a gRPC client TLS context, failing with a
 * message that names the flag and the file: a typo in a path must not surface as a TLS
 * handshake error at the first call.
 */
final class EtcdTlsFiles {
    private EtcdTlsFiles() {}

    static void configure(EtcdTls tls, SslContextBuilder ssl) {
        if (tls.caFile() != null) {
            ssl.trustManager(certificates("--etcd-cafile", tls.caFile()).toArray(X509Certificate[]::new));
        }
        if (tls.hasClientCertificate()) {
            List<X509Certificate> chain = certificates("--etcd-certfile", tls.certFile());
            ssl.keyManager(privateKey(tls.keyFile()), chain.toArray(X509Certificate[]::new));
        }
    }

    static List<X509Certificate> certificates(String flag, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(flag + ": " + file + " holds no PEM certificate");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot read " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(flag + ": " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) {
        try (Reader r = Files.newBufferedReader(file);
                PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IllegalArgumentException(
                    "--etcd-keyfile: " + file + " holds no unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)");
        } catch (IOException e) {
            throw new IllegalArgumentException("--etcd-keyfile: cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
