package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ShellProcessTest {
    private static final ScheduledTimers TIMERS = new ScheduledTimers("shell-test", 1);

    @AfterAll
    static void close() {
        TIMERS.close();
    }

    private record Run(int code, String out, SimulatedFilesystem fs, long millis) {}

    private static Run run(String script, SimulatedFilesystem fs, UnknownCommands unknown) throws Exception {
        StringBuilder out = new StringBuilder();
        ShellProcess.Config cfg = ShellProcess.Config.builder(fs, TIMERS, new TimeScale(100))
                .env(Map.of("GREETING", "hello"))
                .output(s -> {
                    synchronized (out) {
                        out.append(s);
                    }
                })
                .unknownCommands(unknown, 50)
                .hostname("pod-a")
                .build();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        long t0 = System.nanoTime();
        ShellProcess.forArgv(List.of("/bin/sh", "-c", script), cfg).start(exit::complete);
        int code = exit.get(10, TimeUnit.SECONDS);
        return new Run(code, out.toString(), fs, (System.nanoTime() - t0) / 1_000_000);
    }

    private static Run run(String script) throws Exception {
        return run(script, new SimulatedFilesystem(), UnknownCommands.SUCCEED);
    }

    @Test
    void sequencesAndLogicalOperators() throws Exception {
        assertThat(run("echo a; echo b && echo c || echo d").out()).isEqualTo("a\nb\nc\n");
        assertThat(run("false && echo no; echo $?").out()).isEqualTo("1\n");
        assertThat(run("false || echo yes").out()).isEqualTo("yes\n");
        assertThat(run("exit 3").code()).isEqualTo(3);
        assertThat(run("true; false").code()).isEqualTo(1);
        assertThat(run("! false").code()).isZero();
        assertThat(run("echo one; exit 7; echo never").out()).isEqualTo("one\n");
    }

    @Test
    void filesystemCommandsAndTests() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        Run r = run(
                "touch /tmp/healthy; test -f /tmp/healthy && echo there; cat /tmp/healthy; rm -f /tmp/healthy;"
                        + " test -e /tmp/healthy || echo gone; cat /tmp/healthy",
                fs,
                UnknownCommands.SUCCEED);
        assertThat(r.out()).isEqualTo("there\ngone\ncat: can't open '/tmp/healthy': No such file or directory\n");
        assertThat(r.code()).isEqualTo(1);
        assertThat(run("rm /nope").code()).isEqualTo(1);
        assertThat(run("rm -f /nope").code()).isZero();
        Run w = run(
                "echo ready > /tmp/r; echo more >> /tmp/r; cat /tmp/r; [ -s /tmp/r ] && echo nonempty",
                fs,
                UnknownCommands.SUCCEED);
        assertThat(w.out()).isEqualTo("ready\nmore\nnonempty\n");
        assertThat(fs.read("/tmp/r")).isEqualTo("ready\nmore\n");
    }

    @Test
    void quotingVariablesArithmeticAndLoops() throws Exception {
        assertThat(run("echo \"$GREETING world\" '$GREETING'").out()).isEqualTo("hello world $GREETING\n");
        assertThat(run("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done").out())
                .isEqualTo("0\n1\n2\n");
        assertThat(run("for x in a b c; do printf '%s-' $x; done; echo").out()).isEqualTo("a-b-c-\n");
        assertThat(run("if test -f /etc/hostname; then echo yes; else echo no; fi")
                        .out())
                .isEqualTo("yes\n");
        assertThat(run("echo $(echo inner) $HOSTNAME").out()).isEqualTo("inner pod-a\n");
        assertThat(run("until true; do echo never; done; echo done").out()).isEqualTo("done\n");
        assertThat(run("n=0; while true; do n=$((n+1)); if [ $n -ge 2000 ]; then break_now=1; exit 0; fi; done")
                        .code())
                .isZero();
    }

    @Test
    void randomIsAFreshNumberFrom0To32767OnEveryRead() throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String v :
                run("for i in 1 2 3 4 5 6 7 8; do echo $RANDOM; done").out().split("\n")) {
            assertThat(Integer.parseInt(v)).isBetween(0, 32767);
            seen.add(v);
        }
        assertThat(seen).as("8 reads are not all the same").hasSizeGreaterThan(1);
        // the usual "fail at random" job script: both exit codes come up within 64 runs (1 in 2^63 to fail)
        java.util.Set<Integer> codes = new java.util.TreeSet<>();
        for (int i = 0; i < 64 && codes.size() < 2; i++) {
            codes.add(run("exit $((RANDOM % 2))").code());
        }
        assertThat(codes).containsExactly(0, 1);
    }

    @Test
    void sleepIsScaledAndUnknownCommandsFollowThePolicy() throws Exception {
        Run r = run("sleep 10; echo woke"); // 10 s at time-scale 100 = 100 ms
        assertThat(r.out()).isEqualTo("woke\n");
        assertThat(r.millis()).isBetween(80L, 3000L);
        assertThat(run("sleep x").code()).isEqualTo(1);
        Run init = run(
                "nslookup myservice && echo resolved", new SimulatedFilesystem(), UnknownCommands.SUCCEED_AFTER_DELAY);
        assertThat(init.out()).isEqualTo("resolved\n");
        assertThat(init.millis()).isGreaterThanOrEqualTo(40L);
    }

    @Test
    void foreverProgramsRunUntilKilled() throws Exception {
        StringBuilder out = new StringBuilder();
        ShellProcess.Config cfg = ShellProcess.Config.builder(new SimulatedFilesystem(), TIMERS, new TimeScale(1))
                .output(out::append)
                .unknownCommands(UnknownCommands.RUN_FOREVER, 0)
                .hostname("p")
                .build();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess p = ShellProcess.forArgv(List.of("nginx", "-g", "daemon off;"), cfg);
        p.start(exit::complete);
        io.kubelite.store.testing.Poll.holds(
                java.time.Duration.ofMillis(100),
                "a forever program keeps running",
                () -> assertThat(exit).isNotDone());
        p.kill();
        assertThat(p.isDone()).isTrue();
    }

    @Test
    void fastForwardReplaysElapsedSleeps() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        ShellProcess.Config cfg = ShellProcess.Config.builder(fs, TIMERS, new TimeScale(1))
                .unknownCommands(UnknownCommands.RUN_FOREVER, 0)
                .fastForwardMillis(35_000)
                .hostname("p")
                .build();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess p = ShellProcess.forArgv(
                List.of("sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"), cfg);
        p.start(exit::complete);
        assertThat(fs.exists("/tmp/healthy")).isFalse(); // 35 s in: the file was already removed
        assertThat(exit).isNotDone();
        p.kill();
    }

    @Test
    void syntaxErrorsAreReported() {
        assertThatThrownBy(() -> ShellParser.parse("if true; then echo")).isInstanceOf(ShellSyntaxException.class);
        assertThatThrownBy(() -> ShellParser.parse("echo 'unterminated")).isInstanceOf(ShellSyntaxException.class);
    }
}
