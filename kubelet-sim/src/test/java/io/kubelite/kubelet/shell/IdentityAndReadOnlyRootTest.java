package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code id}/{@code whoami} from the process's {@link Identity}, and a read-only root filesystem with writable mounts. */
class IdentityAndReadOnlyRootTest {
    private static final ScheduledTimers TIMERS = new ScheduledTimers("identity-test", 1);

    @AfterAll
    static void close() {
        TIMERS.close();
    }

    private record Run(int code, String out) {}

    private static Run run(String script, SimulatedFilesystem fs, Identity who) throws Exception {
        StringBuilder out = new StringBuilder();
        Output o = s -> {
            synchronized (out) {
                out.append(s);
            }
        };
        ShellProcess.Config cfg = ShellProcess.Config.builder(fs, TIMERS, new TimeScale(100))
                .output(o)
                .hostname("pod-a")
                .identity(who)
                .build();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess.forArgv(List.of("sh", "-c", script), cfg).start(exit::complete);
        int code = exit.get(10, TimeUnit.SECONDS);
        synchronized (out) {
            return new Run(code, out.toString());
        }
    }

    @Test
    void idAndWhoamiPrintTheIdentityAsBusyboxDoes() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        assertThat(run("id; whoami; id -u; id -un", fs, Identity.ROOT).out())
                .isEqualTo("uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n0\nroot\n");
        Identity user = new Identity(1000, 3000, List.of(3000L, 4000L, 2000L));
        assertThat(run("id; id -u; id -g; id -G", fs, user).out())
                .isEqualTo("uid=1000 gid=3000 groups=2000,3000,4000\n1000\n3000\n2000 3000 4000\n");
        Run whoami = run("whoami", fs, user);
        assertThat(whoami.code()).isEqualTo(1);
        assertThat(whoami.out()).isEqualTo("whoami: unknown uid 1000\n");
        assertThat(run("echo $(id -u)", fs, user).out())
                .as("command substitution keeps the user")
                .isEqualTo("1000\n");
        assertThat(run("id", fs, new Identity(1000, 0, List.of(0L))).out())
                .isEqualTo("uid=1000 gid=0(root) groups=0(root)\n");
    }

    @Test
    void readOnlyRootRefusesWritesOutsideWritableMounts() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        fs.write("/etc/app.conf", "x\n", false);
        SimulatedFilesystem scratch = SimulatedFilesystem.empty();
        SimulatedFilesystem config = SimulatedFilesystem.empty();
        config.write("/key", "v", false);
        fs.mount("/scratch", scratch, "/", false);
        fs.mount("/etc/config", config, "/", true);
        fs.makeRootReadOnly();

        Run r = run(
                "echo a > /foo; echo $?; touch /tmp/x; mkdir /newdir; rm /etc/app.conf; cp /etc/app.conf /tmp/y;"
                        + " mv /etc/app.conf /scratch/z; echo b > /etc/config/key",
                fs,
                Identity.ROOT);
        assertThat(r.out())
                .isEqualTo("sh: can't create /foo: Read-only file system\n1\n"
                        + "touch: /tmp/x: Read-only file system\n"
                        + "mkdir: can't create directory '/newdir': Read-only file system\n"
                        + "rm: can't remove '/etc/app.conf': Read-only file system\n"
                        + "cp: can't create '/tmp/y': Read-only file system\n"
                        + "mv: can't rename '/etc/app.conf': Read-only file system\n"
                        + "sh: can't create /etc/config/key: Read-only file system\n");
        assertThat(fs.exists("/foo")).isFalse();
        assertThat(fs.read("/etc/app.conf")).isEqualTo("x\n");

        Run ok = run(
                "echo hi > /scratch/f && cat /scratch/f && cp /etc/app.conf /scratch/c && echo x > /dev/null && echo"
                        + " done",
                fs,
                Identity.ROOT);
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo("hi\ndone\n");
        assertThat(scratch.read("/c")).isEqualTo("x\n");
    }
}
