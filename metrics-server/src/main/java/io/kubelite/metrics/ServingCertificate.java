package io.kubelite.metrics;

import io.kubelite.apiserver.pki.CertificateAuthority;
import io.kubelite.apiserver.pki.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * metrics-server's serving certificate: from {@code --tls-cert-file}/{@code --tls-private-key-file}
 * (read once at start, any PEM key form the API server reads), or, without them, generated in memory
 * at start as metrics-server does: a fresh CA signs a certificate for 127.0.0.1, localhost and the
 * Service's names. Clients trust it by {@code insecureSkipTLSVerify} (the add-on's APIService).
 */
final class ServingCertificate {
    static final List<String> SANS = List.of(
            "127.0.0.1", "localhost", "metrics-server", "metrics-server.kube-system", "metrics-server.kube-system.svc");

    private ServingCertificate() {}

    static PemKeyCertOptions selfSigned() {
        CertificateAuthority ca = CertificateAuthority.create("metrics-server-ca@" + System.currentTimeMillis() / 1000);
        CertificateAuthority.Issued leaf = ca.issueServer("metrics-server", SANS);
        return options(List.of(leaf.certificate(), ca.certificate()), Pem.encode(leaf.key()));
    }

    static PemKeyCertOptions fromFiles(Path cert, Path key) throws IOException {
        return options(Pem.readCertificates(cert), Pem.encode(Pem.readPrivateKey(key)));
    }

    private static PemKeyCertOptions options(List<X509Certificate> chain, String keyPem) {
        String chainPem = chain.stream().map(Pem::encode).collect(Collectors.joining());
        return new PemKeyCertOptions().addCertValue(Buffer.buffer(chainPem)).addKeyValue(Buffer.buffer(keyPem));
    }
}
