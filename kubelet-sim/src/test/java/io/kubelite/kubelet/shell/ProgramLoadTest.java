package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.usage.ProgramLoad;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What shell programs demand of the CPU and memory: busy loops, stress and yes. */
class ProgramLoadTest {
    private static final ScheduledTimers TIMERS = new ScheduledTimers("load-test", 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterAll
    static void close() {
        TIMERS.close();
    }

    private record Started(
            ShellProcess process, ProgramLoad load, StringBuilder out, CompletableFuture<Integer> exit) {}

    private static Started start(List<String> argv) throws Exception {
        StringBuilder out = new StringBuilder();
        ProgramLoad load = new ProgramLoad();
        ShellProcess.Config cfg = ShellProcess.Config.builder(new SimulatedFilesystem(), TIMERS, new TimeScale(100))
                .output(s -> {
                    synchronized (out) {
                        out.append(s);
                    }
                })
                .load(load)
                .build();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess p = ShellProcess.forArgv(argv, cfg);
        p.start(exit::complete);
        return new Started(p, load, out, exit);
    }

    @Test
    void aLoopWithoutWaitingBurnsACoreUntilKilled() throws Exception {
        Started s = start(List.of("sh", "-c", "while true; do :; done"));
        Poll.until(
                WAIT,
                "the loop counted busy (exit: " + s.exit() + ", output: " + s.out() + ")",
                () -> s.load().cores() == 1.0);
        s.process().kill();
        assertThat(s.load().cores()).isZero();
        assertThat(s.exit()).isNotDone();
    }

    @Test
    void aLoopThatSleepsIsNotBusy() throws Exception {
        Started s = start(List.of("sh", "-c", "while true; do echo tick; sleep 1; done"));
        Poll.until(WAIT, "a few iterations", () -> s.out().length() > 20);
        assertThat(s.load().cores()).isZero();
        s.process().kill();
    }

    @Test
    void stressHoldsItsWorkersDemandUntilItsTimeout() throws Exception {
        Started s = start(
                List.of("stress", "--cpu", "2", "--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1", "-t", "10s"));
        Poll.until(WAIT, "stress dispatched", () -> s.out().length() > 0);
        assertThat(s.load().cores()).isEqualTo(2.1);
        assertThat(s.load().bytes()).isEqualTo(150L << 20);
        assertThat(s.exit().get()).isZero();
        assertThat(s.out().toString())
                .isEqualTo("stress: info: [1] dispatching hogs: 2 cpu, 0 io, 1 vm, 0 hdd\n"
                        + "stress: info: [1] successful run completed in 10s\n");
        assertThat(s.load().cores()).isZero();
        assertThat(s.load().bytes()).isZero();
    }

    @Test
    void yesToDevNullBurnsACore() throws Exception {
        Started s = start(List.of("sh", "-c", "yes > /dev/null"));
        Poll.until(WAIT, "yes counted", () -> s.load().cores() == 1.0);
        s.process().kill();
        assertThat(s.load().cores()).isZero();
    }
}
