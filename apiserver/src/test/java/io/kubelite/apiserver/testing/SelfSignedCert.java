package io.kubelite.apiserver.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost made with the JDK's own
 * {@code keytool} (no openssl, no BouncyCastle), written as PEM: {@link #certFile()} (which
 * is also the CA a client trusts) and {@link #keyFile()} (PKCS#8).
 */
public record SelfSignedCert(Path certFile, Path keyFile) {

    public static SelfSignedCert create(Path dir) throws Exception {
        return create(dir, "localhost");
    }

    /** A certificate for 127.0.0.1 and {@code dnsNames} (a Service's {@code <name>.<namespace>.svc}). */
    public static SelfSignedCert create(Path dir, String... dnsNames) throws Exception {
        Path p12 = dir.resolve("server.p12");
        String pass = "changeit";
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1"
                                + java.util.Arrays.stream(dnsNames)
                                        .map(d -> ",dns:" + d)
                                        .collect(java.util.stream.Collectors.joining()),
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        p12.toString(),
                        "-storepass",
                        pass,
                        "-keypass",
                        pass))
                .redirectErrorStream(true)
                .start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, pass.toCharArray());
        }
        Key key = ks.getKey("server", pass.toCharArray());
        Certificate cert = ks.getCertificate("server");
        Path certFile = dir.resolve("server.crt");
        Path keyFile = dir.resolve("server.key");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new SelfSignedCert(certFile, keyFile);
    }

    /** An SSLContext that trusts only this certificate. */
    public SSLContext trustingContext() throws Exception {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            ts.setCertificateEntry(
                    "ca",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
