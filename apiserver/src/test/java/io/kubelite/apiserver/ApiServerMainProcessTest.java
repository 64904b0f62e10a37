package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.apiserver.pki.Pem;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubelite apiserver} as a real process ({@link ApiServerMain} in a fresh JVM): HTTPS by
 * default with a self-signed certificate it makes in {@code --cert-dir} and reuses after a
 * restart, plain HTTP only with {@code --insecure-http}, and bad TLS flag combinations refused
 * with one line and exit code 2.
 */
@Timeout(300)
class ApiServerMainProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final String TOKEN = "s3cret-process-token";

    @Test
    void withoutCertificateFlagsServesHttpsWithASelfSignedCertificateReusedOnRestart(@TempDir Path work)
            throws Exception {
        Path tokens = tokenFile(work);
        String prefix = ETCD.newPrefix();
        int port = FreePorts.next();
        Path certDir = work.resolve(ApiServerMain.DEFAULT_CERT_DIR); // the default, under the working directory
        List<String> args = List.of(
                "--etcd-endpoints",
                ETCD.cluster().endpointsString(),
                "--etcd-prefix",
                prefix,
                "--id",
                "apiserver-tls",
                "--secure-port",
                Integer.toString(port),
                "--health-port",
                Integer.toString(FreePorts.next()),
                "--token-auth-file",
                tokens.toString(),
                "--event-loops",
                "1");

        X509Certificate served;
        byte[] caPem;
        byte[] certPem;
        try (Child c = new Child(work, args)) {
            Poll.until(
                    Duration.ofSeconds(60),
                    "ca.crt written in " + certDir,
                    () -> Files.exists(certDir.resolve("ca.crt")) || !c.process.isAlive());
            assertThat(c.process.isAlive()).as("apiserver running; %s", c).isTrue();
            HttpClient trusting = trustingOnly(certDir.resolve("ca.crt"));
            HttpResponse<String> ready = awaitReady(trusting, "https://127.0.0.1:" + port, c);
            served = (X509Certificate) ready.sslSession().orElseThrow().getPeerCertificates()[0];
            X509Certificate ca = Pem.readCertificates(certDir.resolve("ca.crt")).get(0);
            served.verify(ca.getPublicKey()); // chains to the CA written in the cert dir
            assertThat(served.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
            assertThat(served.getSubjectAlternativeNames())
                    .extracting(san -> san.get(1).toString())
                    .contains("127.0.0.1", "localhost");
            assertThat(Pem.readCertificates(certDir.resolve("apiserver.crt")).get(0))
                    .isEqualTo(served);
            for (String key : List.of("ca.key", "apiserver.key")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certDir.resolve(key))))
                        .as(key)
                        .isEqualTo("rw-------");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certDir)))
                    .isEqualTo("rwx------");
            // one line says where the certificate is and that clients need its CA
            assertThat(c.lines(c.out))
                    .filteredOn(l -> l.contains("clients must trust its CA"))
                    .singleElement()
                    .asString()
                    .contains(certDir.resolve("apiserver.crt").toString(), certDir.resolve("ca.crt") + " ", "(new)");

            // plain HTTP on the same port is refused; so is a client that does not trust the CA
            HttpClient plain = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            assertThatThrownBy(() -> plain.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> plain.send(
                            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            caPem = Files.readAllBytes(certDir.resolve("ca.crt"));
            certPem = Files.readAllBytes(certDir.resolve("apiserver.crt"));
            c.stop();
        }

        // a restart (here naming the same directory with --cert-dir) serves the same certificate
        List<String> again = new ArrayList<>(args);
        again.addAll(List.of("--cert-dir", certDir.toString()));
        try (Child c = new Child(work.resolve("elsewhere"), again)) {
            HttpResponse<String> ready =
                    awaitReady(trustingOnly(certDir.resolve("ca.crt")), "https://127.0.0.1:" + port, c);
            assertThat(ready.sslSession().orElseThrow().getPeerCertificates()[0])
                    .isEqualTo(served);
            assertThat(certDir.resolve("ca.crt")).hasBinaryContent(caPem);
            assertThat(certDir.resolve("apiserver.crt")).hasBinaryContent(certPem);
            assertThat(c.lines(c.out))
                    .filteredOn(l -> l.contains("clients must trust its CA"))
                    .singleElement()
                    .asString()
                    .contains("(reused)");
            assertThat(work.resolve("elsewhere").resolve(ApiServerMain.DEFAULT_CERT_DIR))
                    .doesNotExist();
            c.stop();
        }
    }

    @Test
    void insecureHttpServesPlainHttpAndMakesNoCertificate(@TempDir Path work) throws Exception {
        Path tokens = tokenFile(work);
        int port = FreePorts.next();
        try (Child c = new Child(
                work,
                List.of(
                        "--etcd-endpoints",
                        ETCD.cluster().endpointsString(),
                        "--etcd-prefix",
                        ETCD.newPrefix(),
                        "--id",
                        "apiserver-http",
                        "--secure-port",
                        Integer.toString(port),
                        "--health-port",
                        Integer.toString(FreePorts.next()),
                        "--token-auth-file",
                        tokens.toString(),
                        "--event-loops",
                        "1",
                        "--insecure-http"))) {
            HttpClient plain = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> ready = awaitReady(plain, "http://127.0.0.1:" + port, c);
            assertThat(ready.sslSession()).isEmpty();
            assertThat(work.resolve(ApiServerMain.DEFAULT_CERT_DIR)).doesNotExist();
            assertThat(c.lines(c.out)).noneMatch(l -> l.contains("clients must trust its CA"));
            c.stop();
        }
    }

    @Test
    void badTlsFlagCombinationsExitTwoWithOneLine(@TempDir Path work) throws Exception {
        Path crt = Files.writeString(work.resolve("x.crt"), "not read: the flags are wrong first");
        Path key = Files.writeString(work.resolve("x.key"), "not read either");
        record Case(List<String> args, String line) {}
        List<Case> cases = List.of(
                new Case(
                        List.of(
                                "--insecure-http",
                                "--tls-cert-file",
                                crt.toString(),
                                "--tls-private-key-file",
                                key.toString()),
                        "kubelite apiserver: --insecure-http serves plain HTTP: drop it, or drop "
                                + "--tls-cert-file/--tls-private-key-file"),
                new Case(
                        List.of("--tls-cert-file", crt.toString()),
                        "kubelite apiserver: --tls-cert-file needs --tls-private-key-file"),
                new Case(
                        List.of("--tls-private-key-file", key.toString()),
                        "kubelite apiserver: --tls-private-key-file needs --tls-cert-file"),
                new Case(
                        List.of("--insecure-http", "--client-ca-file", crt.toString()),
                        "kubelite apiserver: --client-ca-file needs HTTPS (client certificates come with the TLS "
                                + "handshake): drop --insecure-http"),
                new Case(
                        List.of(
                                "--tls-cert-file",
                                crt.toString(),
                                "--tls-private-key-file",
                                key.toString(),
                                "--tls-san",
                                "api.example"),
                        "kubelite apiserver: --tls-san names the certificate made when no --tls-cert-file is "
                                + "given; it has no use with --tls-cert-file"),
                new Case(
                        List.of("--insecure-http", "--runtime-config", "batch/v1beta1=maybe"),
                        "kubelite apiserver: --runtime-config: invalid value of batch/v1beta1: \"maybe\" (want true"
                                + " or false)"));
        for (Case k : cases) {
            assertExitsTwo(work, k.args(), k.line());
        }
        assertThat(work.resolve(ApiServerMain.DEFAULT_CERT_DIR)).doesNotExist();
    }

    @Test
    void badServiceRangesExitTwoWithOneLine(@TempDir Path work) throws Exception {
        assertExitsTwo(
                work,
                List.of("--insecure-http", "--service-cluster-ip-range", "10.96.0.0"),
                "kubelite apiserver: invalid CIDR address: 10.96.0.0");
        assertExitsTwo(
                work,
                List.of("--insecure-http", "--service-node-port-range", "32767-30000"),
                "kubelite apiserver: unable to parse port range: 32767-30000");
    }

    @Test
    void anUnknownAdmissionPluginExitsTwoNamingTheKnownOnes(@TempDir Path work) throws Exception {
        assertExitsTwo(
                work,
                List.of("--insecure-http", "--disable-admission-plugins", "PodSecurity,AlwaysPullImages"),
                "kubelite apiserver: --disable-admission-plugins: unknown plugins AlwaysPullImages (known:"
                        + " NamespaceLifecycle, LimitRanger, ServiceAccount, PodSecurity, DefaultTolerationSeconds,"
                        + " DefaultStorageClass, ResourceQuota)");
    }

    private static void assertExitsTwo(Path work, List<String> flags, String line) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("--etcd-endpoints", "127.0.0.1:" + FreePorts.next(), "--etcd-startup-timeout", "1s"));
        args.addAll(flags);
        try (Child c = new Child(work, args)) {
            assertThat(c.process.waitFor(60, TimeUnit.SECONDS))
                    .as("exited: %s", flags)
                    .isTrue();
            c.awaitDrained();
            assertThat(c.process.exitValue())
                    .as("exit code of %s; %s", flags, c)
                    .isEqualTo(2);
            assertThat(c.lines(c.err)).as("stderr of %s", flags).containsExactly(line);
            assertThat(c.lines(c.out)).as("stdout of %s", flags).noneMatch(l -> l.contains("\tat "));
        }
    }

    private static Path tokenFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tokens.csv"), TOKEN + ",admin,admin-uid,\"system:masters\"\n");
    }

    /** A JDK client that trusts {@code caFile} only (hostname verification on, as by default). */
    private static HttpClient trustingOnly(Path caFile) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", Pem.readCertificates(caFile).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(ctx)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Polls {@code base}/readyz with the token until it answers 200; fails early when the process exits. */
    private static HttpResponse<String> awaitReady(HttpClient client, String base, Child c) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/readyz"))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(5))
                .build();
        return Poll.until(
                Duration.ofSeconds(90),
                base + "/readyz answers 200",
                () -> {
                    if (!c.process.isAlive()) {
                        throw new AssertionError("the apiserver exited: " + c);
                    }
                    try {
                        return client.send(req, HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        throw new IllegalStateException(e.toString(), e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                },
                r -> r.statusCode() == 200);
    }

    /** {@link ApiServerMain} in a child JVM in {@code dir}, its stdout and stderr drained into line lists. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final List<String> out = new ArrayList<>();
        final List<String> err = new ArrayList<>();
        private final List<Thread> drains = new ArrayList<>();

        Child(Path dir, List<String> args) throws IOException {
            Files.createDirectories(dir);
            ProcessBuilder pb = ChildJvm.builder(
                    List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), ApiServerMain.class, args);
            pb.directory(dir.toFile());
            pb.environment().remove("ETCD_ENDPOINTS");
            process = pb.start();
            drains.add(drain(process.getInputStream(), out));
            drains.add(drain(process.getErrorStream(), err));
        }

        private static Thread drain(InputStream in, List<String> into) {
            Thread t = new Thread(
                    () -> {
                        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                            for (String line; (line = r.readLine()) != null; ) {
                                synchronized (into) {
                                    into.add(line);
                                }
                            }
                        } catch (IOException ignored) {
                            // the process ended
                        }
                    },
                    "child-drain");
            t.setDaemon(true);
            t.start();
            return t;
        }

        List<String> lines(List<String> which) {
            synchronized (which) {
                return List.copyOf(which);
            }
        }

        void awaitDrained() throws InterruptedException {
            for (Thread t : drains) {
                t.join(5_000);
            }
        }

        /** SIGTERM, and the clean exit it should give. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("stopped on SIGTERM")
                    .isTrue();
            assertThat(process.exitValue())
                    .as("exit code after SIGTERM; %s", this)
                    .isZero();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "stdout " + String.join("\n  ", lines(out)) + "\nstderr " + String.join("\n  ", lines(err));
        }
    }
}
