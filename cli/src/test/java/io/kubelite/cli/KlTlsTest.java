package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.pki.ClusterPki;
import io.kubelite.apiserver.pki.Pem;
import io.kubelite.apiserver.testing.SelfSignedCert;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kl against an HTTPS API server: the CA from --certificate-authority or the kubeconfig, and
 * without it; client certificates from a kubeconfig (inline or as files; RSA and EC keys in
 * each PEM form openssl writes).
 */
@Timeout(120)
class KlTlsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    record Result(int code, String out, String err) {}

    static Result kl(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Kl.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                Clock.systemUTC());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void caFromFlagOrKubeconfig(@TempDir Path dir) throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir);
        try (TestApiServer api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local().withTls(cert.certFile(), cert.keyFile()))) {
            Map<String, String> noHome = Map.of("HOME", dir.resolve("nohome").toString());
            Path pod = dir.resolve("pod.yaml");
            Files.writeString(
                    pod,
                    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tls-pod\nspec:\n  containers:\n"
                            + "  - name: c\n    image: nginx\n");
            Result created = kl(
                    noHome,
                    "--server=" + api.url(),
                    "--certificate-authority=" + cert.certFile(),
                    "apply",
                    "-f",
                    pod.toString());
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).isEqualTo("pod/tls-pod created\n");

            // kubeconfig with certificate-authority-data, found through $KUBECONFIG
            Path kc = dir.resolve("kubeconfig");
            Files.writeString(
                    kc,
                    "apiVersion: v1\nkind: Config\ncurrent-context: k\ncontexts:\n"
                            + "- name: k\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster:\n"
                            + "    server: " + api.url() + "\n    certificate-authority-data: "
                            + Base64.getEncoder().encodeToString(Files.readAllBytes(cert.certFile())) + "\n"
                            + "users:\n- name: u\n  user: {}\n");
            Result got = kl(Map.of("KUBECONFIG", kc.toString()), "get", "pods", "-o", "name");
            assertThat(got.code()).as(got.err()).isZero();
            assertThat(got.out()).isEqualTo("pod/tls-pod\n");

            // no CA: the JDK's trust store does not know this certificate
            Result untrusted = kl(noHome, "--server=" + api.url(), "get", "pods");
            assertThat(untrusted.code()).isEqualTo(1);
            assertThat(untrusted.err())
                    .startsWith("Unable to connect to the server: tls: failed to verify certificate: ");
            // insecure-skip-tls-verify works, as with kubectl
            Result insecure =
                    kl(noHome, "--server=" + api.url(), "--insecure-skip-tls-verify", "get", "pods", "-o", "name");
            assertThat(insecure.out()).as(insecure.err()).isEqualTo("pod/tls-pod\n");
        }
    }

    @Test
    void clientCertificatesFromTheKubeconfig(@TempDir Path dir) throws Exception {
        ClusterPki pki = ClusterPki.ensure(dir.resolve("pki"), List.of());
        ApiServerConfig config = ApiServerConfig.local()
                .withTokens(Map.of(), false)
                .withTls(pki.serverCert(), pki.serverKey())
                .withClientCa(pki.caCert());
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), config)) {
            // the admin kubeconfig as kubelite up writes it: everything inline
            Path admin = dir.resolve("admin.kubeconfig");
            Pem.writeSecret(admin, pki.adminKubeconfig(api.url(), "kubelite"));
            Result got = kl(Map.of("KUBECONFIG", admin.toString()), "get", "namespaces", "-o", "name");
            assertThat(got.err()).isEmpty();
            assertThat(got.out()).contains("namespace/default\n", "namespace/kube-system\n");

            // no certificate: 401, worded as kubectl words it
            Path none = dir.resolve("none.kubeconfig");
            Files.writeString(
                    none,
                    Files.readString(admin)
                            .replaceAll("(?m)^    client-(certificate|key)-data: .*\n", "")
                            .replace("  user:\n", "  user: {}\n"));
            Result anonymous = kl(Map.of("KUBECONFIG", none.toString()), "get", "namespaces");
            assertThat(anonymous.code()).isEqualTo(1);
            assertThat(anonymous.err()).isEqualTo("error: You must be logged in to the server (Unauthorized)\n");

            // certificates openssl made, as files beside the kubeconfig (relative paths), RSA PKCS#1 and EC SEC1 keys
            assumeTrue(onPath("openssl"), "openssl not on the PATH");
            for (String keyKind : List.of("rsa", "ec")) {
                Path sub = Files.createDirectories(dir.resolve(keyKind));
                opensslClientCert(pki, sub, keyKind, "jane-" + keyKind);
                assertThat(Files.readString(sub.resolve("client.key")))
                        .startsWith(
                                keyKind.equals("rsa")
                                        ? "-----BEGIN RSA PRIVATE KEY-----"
                                        : "-----BEGIN EC PRIVATE KEY-----");
                Path kc = sub.resolve("kubeconfig");
                Files.writeString(
                        kc,
                        "apiVersion: v1\nkind: Config\ncurrent-context: k\ncontexts:\n"
                                + "- name: k\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster:\n"
                                + "    server: " + api.url() + "\n    certificate-authority: ../pki/ca.crt\n"
                                + "users:\n- name: u\n  user:\n    client-certificate: client.crt\n"
                                + "    client-key: client.key\n");
                Result r = kl(Map.of("KUBECONFIG", kc.toString()), "get", "namespace", "default", "-o", "name");
                assertThat(r.err()).as(keyKind).isEmpty();
                assertThat(r.out()).as(keyKind).isEqualTo("namespace/default\n");
            }
        }
    }

    /** A client certificate for {@code user} signed by the cluster CA, made by openssl: client.crt, client.key. */
    private static void opensslClientCert(ClusterPki pki, Path dir, String keyKind, String user) throws Exception {
        Path key = dir.resolve("client.key");
        if (keyKind.equals("rsa")) {
            openssl(dir, "genrsa", "-traditional", "-out", key.toString(), "2048");
        } else {
            openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        }
        openssl(dir, "req", "-new", "-key", key.toString(), "-subj", "/O=dev/CN=" + user, "-out", "client.csr");
        Files.writeString(dir.resolve("ext.cnf"), "extendedKeyUsage=clientAuth\n");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                pki.caCert().toString(),
                "-CAkey",
                pki.caKey().toString(),
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                "ext.cnf",
                "-out",
                "client.crt");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("openssl " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    private static boolean onPath(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }
}
