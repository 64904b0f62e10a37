package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** kl against an HTTPS API server: the CA from --certificate-authority or the kubeconfig, and without it. */
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
}
