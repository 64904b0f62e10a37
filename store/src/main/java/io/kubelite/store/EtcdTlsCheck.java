package io.kubelite.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One TLS handshake with an etcd endpoint using the files of an {@link EtcdTls}, to tell why
 * etcd does not answer: gRPC retries a refused handshake until the call's deadline and then
 * reports only the timeout. A certificate etcd rejects ({@code --client-cert-auth}) shows
 * as an alert on the first read after the handshake (TLS 1.3), so one byte is read too.
 */
public final class EtcdTlsCheck {
    private static final int TIMEOUT_MS = 3000;

    private EtcdTlsCheck() {}

    /** Why a TLS connection to {@code endpoint} fails, or empty when it succeeds or cannot be tried. */
    public static Optional<String> diagnose(EtcdTls tls, String endpoint) {
        String hostPort = endpoint.replaceFirst("^[a-z]+://", "");
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/.*$", ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try (SSLSocket s = (SSLSocket) context(tls).getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            javax.net.ssl.SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.startHandshake();
            InputStream in = s.getInputStream();
            in.read();
            return Optional.empty();
        } catch (SocketTimeoutException e) {
            return Optional.empty(); // handshake done and etcd waits for the client: TLS is fine
        } catch (SSLException e) {
            return Optional.of(EtcdAccessProblem.of(e).orElse("TLS handshake with etcd failed: " + e.getMessage()));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static SSLContext context(EtcdTls tls) throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (tls.caFile() != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : EtcdTlsFiles.certificates("--etcd-cafile", tls.caFile())) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            tmf.init(trust);
        } else {
            tmf.init((KeyStore) null);
        }
        KeyManagerFactory kmf = null;
        if (tls.hasClientCertificate()) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            List<X509Certificate> chain = EtcdTlsFiles.certificates("--etcd-certfile", tls.certFile());
            keys.setKeyEntry(
                    "client",
                    EtcdTlsFiles.privateKey(tls.keyFile()),
                    new char[0],
                    chain.toArray(X509Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
