package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.EnvVar;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl's {@code exec}, {@code cp} and {@code attach} through a real API server
 * (in-process) to a real kubelet-sim (in-process), on a real etcd: what a user types and
 * sees, exit codes included.
 */
class KubectlExecTest {
    private static final Duration RUNNING = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static SimHarness sim;
    static TestApiServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        kubectl = Kubectl.find(dir, api.url(), null, null);
        sim = new SimHarness(
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.202.0.0/16"));
        Container.Builder app = SimHarness.sh("app", "echo started; sleep infinity")
                .addEnv(EnvVar.newBuilder().setName("GREETING").setValue("hello from the spec"));
        sim.create(SimHarness.pod("shell", "sim-node-0", "Always", app, SimHarness.sh("side", "sleep infinity")));
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

    @Test
    void execRunsTheCommandInTheContainer() {
        Kubectl.Result r = kubectl.run("exec", "shell", "-c", "app", "--", "echo", "hi");
        assertThat(r.ok()).isEqualTo("hi\n");
        assertThat(kubectl.run("exec", "shell", "-c", "app", "--", "printenv", "GREETING")
                        .ok())
                .isEqualTo("hello from the spec\n");
        assertThat(kubectl.run("exec", "shell", "-c", "app", "--", "hostname").ok())
                .isEqualTo("shell\n");
    }

    @Test
    void aNonZeroExitIsReportedAsKubectlDoes() {
        Kubectl.Result r =
                kubectl.run("exec", "shell", "-c", "app", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\ncommand terminated with exit code 3\n");
    }

    @Test
    void execsShareTheContainersFilesystemButNotItsSiblings() {
        kubectl.run("exec", "shell", "-c", "app", "--", "sh", "-c", "mkdir -p /data/x && echo kept > /data/x/f")
                .ok();
        assertThat(kubectl.run("exec", "shell", "-c", "app", "--", "cat", "/data/x/f")
                        .ok())
                .isEqualTo("kept\n");
        Kubectl.Result other = kubectl.run("exec", "shell", "-c", "side", "--", "cat", "/data/x/f");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.err())
                .isEqualTo("cat: can't open '/data/x/f': No such file or directory\n"
                        + "command terminated with exit code 1\n");
    }

    @Test
    void stdinReachesTheCommand() {
        assertThat(kubectl.run("line one\nline two\n", Map.of(), "exec", "-i", "shell", "-c", "app", "--", "cat")
                        .ok())
                .isEqualTo("line one\nline two\n");
        String script = "cd /tmp\nexport X=42\necho \"$PWD x=$X\"\nread name\nalice\necho \"hello $name\"\nexit 5\n";
        Kubectl.Result sh = kubectl.run(script, Map.of(), "exec", "-i", "shell", "-c", "app", "--", "sh");
        assertThat(sh.out()).isEqualTo("/tmp x=42\nhello alice\n");
        assertThat(sh.exitCode()).isEqualTo(5);
        assertThat(sh.err()).isEqualTo("command terminated with exit code 5\n");
    }

    @Test
    void execWithATerminal() {
        Kubectl.Result r = kubectl.runInTerminal(
                "echo \"hello from $HOSTNAME\"\nexit 3\n", "exec", "-it", "shell", "-c", "app", "--", "sh");
        assertThat(r.exitCode()).as(r.out()).isEqualTo(3);
        assertThat(r.out())
                .as("an interactive shell: its prompt (typed input is echoed whenever it arrives), the output")
                .contains("/ # ")
                .contains("hello from shell")
                .contains("command terminated with exit code 3");
    }

    @Test
    void cpCopiesBytesInAndOut() throws Exception {
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + i / 7);
        }
        Path local = dir.resolve("payload.bin");
        Files.write(local, content);
        kubectl.run("cp", local.toString(), "shell:/tmp/payload.bin", "-c", "app")
                .ok();
        assertThat(kubectl.run("exec", "shell", "-c", "app", "--", "ls", "/tmp").ok())
                .contains("payload.bin");

        Path back = dir.resolve("back.bin");
        Kubectl.Result out = kubectl.run("cp", "shell:/tmp/payload.bin", back.toString(), "-c", "app");
        assertThat(out.exitCode()).as(out.err()).isEqualTo(0);
        assertThat(Files.readAllBytes(back)).isEqualTo(content);

        // into an existing directory: kubectl asks `test -d` first and keeps the file's name
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "some notes\n");
        kubectl.run("cp", text.toString(), "shell:/data", "-c", "app").ok();
        assertThat(kubectl.run("exec", "shell", "-c", "app", "--", "cat", "/data/notes.txt")
                        .ok())
                .isEqualTo("some notes\n");
    }

    @Test
    void badTargetsGetKubesMessages() {
        Kubectl.Result noContainer = kubectl.run("exec", "shell", "-c", "nope", "--", "ls");
        assertThat(noContainer.exitCode()).isEqualTo(1);
        assertThat(noContainer.err()).contains("container nope is not valid for pod shell");

        Kubectl.Result noPod = kubectl.run("exec", "missing", "--", "ls");
        assertThat(noPod.exitCode()).isEqualTo(1);
        assertThat(noPod.err()).isEqualTo("Error from server (NotFound): pods \"missing\" not found\n");
    }

    @Test
    void attachStreamsOutputAndFeedsStdin() throws Exception {
        // the simulator runs at time scale 10: "sleep 30" takes 3 s
        Container.Builder talker = SimHarness.sh("talker", "sleep 30; echo one; sleep 10; echo two")
                .setStdin(false);
        sim.create(SimHarness.pod("talker", "sim-node-0", "Never", talker));
        sim.awaitPhase("talker", "Running", RUNNING);
        Kubectl.Result attached = kubectl.run("attach", "talker");
        assertThat(attached.out()).isEqualTo("one\ntwo\n");
        assertThat(attached.exitCode()).isEqualTo(0);

        Container.Builder shell = Container.newBuilder()
                .setName("sh")
                .setImage("busybox")
                .setStdin(true)
                .setStdinOnce(true);
        sim.create(SimHarness.pod("interactive", "sim-node-0", "Never", shell));
        sim.awaitPhase("interactive", "Running", RUNNING);
        CompletableFuture<Kubectl.Result> session = CompletableFuture.supplyAsync(
                () -> kubectl.run("echo attached to $HOSTNAME\nexit 4\n", Map.of(), "attach", "-i", "interactive"));
        Kubectl.Result r = session.get();
        assertThat(r.out()).contains("attached to interactive\n");
        Pod done = sim.awaitPhase("interactive", "Failed", RUNNING);
        assertThat(SimHarness.status(done, "sh").getState().getTerminated().getExitCode())
                .isEqualTo(4);
    }
}
