package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.SelfSignedCert;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl's {@code exec}, {@code cp} and {@code attach} forced onto SPDY/3.1
 * ({@code KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false}: client-go's SPDY executor, what kubectl
 * before 1.30 and many client libraries speak) through a real API server to a real
 * kubelet-sim on a real etcd: the same results as over WebSocket ({@link KubectlExecTest}).
 */
class KubectlSpdyExecTest {
    private static final Duration RUNNING = Duration.ofSeconds(20);
    private static final Map<String, String> SPDY = Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static String prefix;
    static SimHarness sim;
    static TestApiServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        kubectl = Kubectl.find(dir, api.url(), null, null);
        sim = new SimHarness(
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.203.0.0/16"));
        sim.create(SimHarness.pod(
                "shell",
                "sim-node-0",
                "Always",
                SimHarness.sh("app", "echo started; sleep infinity"),
                SimHarness.sh("side", "sleep infinity")));
        sim.awaitPhase("shell", "Running", RUNNING);
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private static Kubectl.Result spdy(String stdin, String... args) {
        return kubectl.run(stdin, SPDY, args);
    }

    @Test
    void execGoesOverSpdy() {
        // -v=6 logs each request and its answer: a POST upgraded with 101, no WebSocket GET
        Kubectl.Result r = spdy(null, "-v=6", "exec", "shell", "-c", "app", "--", "echo", "hi");
        assertThat(r.out()).isEqualTo("hi\n");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("POST ").contains("101 Switching Protocols");
        assertThat(r.err()).doesNotContain("GET " + api.url() + "/api/v1/namespaces/default/pods/shell/exec");
    }

    @Test
    void execOutputAndExitCodes() {
        assertThat(spdy(null, "exec", "shell", "-c", "app", "--", "hostname").ok())
                .isEqualTo("shell\n");
        Kubectl.Result r = spdy(null, "exec", "shell", "-c", "app", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\ncommand terminated with exit code 3\n");

        Kubectl.Result other = spdy(null, "exec", "shell", "-c", "side", "--", "cat", "/nope");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.err())
                .isEqualTo("cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 1\n");
    }

    @Test
    void stdinReachesTheCommand() {
        assertThat(spdy("line one\nline two\n", "exec", "-i", "shell", "-c", "app", "--", "cat")
                        .ok())
                .isEqualTo("line one\nline two\n");
        String script = "cd /tmp\nexport X=42\necho \"$PWD x=$X\"\nread name\nalice\necho \"hello $name\"\nexit 5\n";
        Kubectl.Result sh = spdy(script, "exec", "-i", "shell", "-c", "app", "--", "sh");
        assertThat(sh.out()).isEqualTo("/tmp x=42\nhello alice\n");
        assertThat(sh.exitCode()).isEqualTo(5);
        assertThat(sh.err()).isEqualTo("command terminated with exit code 5\n");
    }

    @Test
    void execWithATerminal() {
        Kubectl.Result r = kubectl.runInTerminal(
                "echo \"hello from $HOSTNAME\"\nexit 3\n", SPDY, "exec", "-it", "shell", "-c", "app", "--", "sh");
        assertThat(r.exitCode()).as(r.out()).isEqualTo(3);
        assertThat(r.out())
                .as("an interactive shell over SPDY: its prompt, the output, the exit code")
                .contains("/ # ")
                .contains("hello from shell")
                .contains("command terminated with exit code 3");
    }

    @Test
    void cpCopiesBytesInAndOut() throws Exception {
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 37 + i / 11);
        }
        Path local = dir.resolve("spdy-payload.bin");
        Files.write(local, content);
        Kubectl.Result in = spdy(null, "cp", local.toString(), "shell:/tmp/payload.bin", "-c", "app");
        assertThat(in.exitCode()).as(in.err()).isZero();

        Path back = dir.resolve("spdy-back.bin");
        Kubectl.Result out = spdy(null, "cp", "shell:/tmp/payload.bin", back.toString(), "-c", "app");
        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(content);

        Path text = dir.resolve("spdy-notes.txt");
        Files.writeString(text, "some notes\n");
        spdy(null, "cp", text.toString(), "shell:/data", "-c", "app").ok();
        assertThat(spdy(null, "exec", "shell", "-c", "app", "--", "cat", "/data/spdy-notes.txt")
                        .ok())
                .isEqualTo("some notes\n");
    }

    @Test
    void execOverHttps(@TempDir Path tlsDir) throws Exception {
        // the SPDY codec sits behind TLS on the same connection
        SelfSignedCert cert = SelfSignedCert.create(tlsDir);
        try (TestApiServer https = TestApiServer.start(
                ETCD.connect(prefix),
                ApiServerConfig.local()
                        .withTokens(Map.of("s3cret", new Auth.User("admin", List.of("system:masters"), null)), false)
                        .withTls(cert.certFile(), cert.keyFile()))) {
            Kubectl overTls = Kubectl.find(tlsDir, https.url(), "s3cret", cert.certFile());
            Kubectl.Result r = overTls.run(
                    "through TLS\n", SPDY, "exec", "-i", "shell", "-c", "app", "--", "sh", "-c", "cat; exit 6");
            assertThat(r.out()).isEqualTo("through TLS\n");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(6);
        }
    }

    @Test
    void refusalsReadAsOverWebSocket() {
        Kubectl.Result noContainer = spdy(null, "exec", "shell", "-c", "nope", "--", "ls");
        assertThat(noContainer.exitCode()).isEqualTo(1);
        assertThat(noContainer.err()).contains("container nope is not valid for pod shell");

        Kubectl.Result noPod = spdy(null, "exec", "missing", "--", "ls");
        assertThat(noPod.exitCode()).isEqualTo(1);
        assertThat(noPod.err()).isEqualTo("Error from server (NotFound): pods \"missing\" not found\n");
    }

    @Test
    void attachStreamsOutputAndFeedsStdin() throws Exception {
        // time scale 10: "sleep 30" takes 3 s
        Container.Builder talker = SimHarness.sh("talker", "sleep 30; echo one; sleep 10; echo two")
                .setStdin(false);
        sim.create(SimHarness.pod("talker", "sim-node-0", "Never", talker));
        sim.awaitPhase("talker", "Running", RUNNING);
        Kubectl.Result attached = spdy(null, "attach", "talker");
        assertThat(attached.out()).isEqualTo("one\ntwo\n");
        assertThat(attached.exitCode()).as(attached.err()).isZero();

        Container.Builder shell = Container.newBuilder()
                .setName("sh")
                .setImage("busybox")
                .setStdin(true)
                .setStdinOnce(true);
        sim.create(SimHarness.pod("interactive", "sim-node-0", "Never", shell));
        sim.awaitPhase("interactive", "Running", RUNNING);
        Kubectl.Result r = spdy("echo attached to $HOSTNAME\nexit 4\n", "attach", "-i", "interactive");
        assertThat(r.out()).contains("attached to interactive\n");
        Pod done = sim.awaitPhase("interactive", "Failed", RUNNING);
        assertThat(SimHarness.status(done, "sh").getState().getTerminated().getExitCode())
                .isEqualTo(4);
    }
}
