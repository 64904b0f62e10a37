package io.kubelite.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SchedulerMainTest {
    @Test
    void leaderElectionIsOnByDefaultLikeKubeScheduler() {
        SchedulerMain m = new SchedulerMain();
        new CommandLine(m).parseArgs();
        assertThat(m.common.leaderElect()).isTrue();
        assertThat(m.schedulerName).isEqualTo("default-scheduler");
        assertThat(m.podInitialBackoff).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.podMaxBackoff).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void flagsParse() {
        SchedulerMain m = new SchedulerMain();
        new CommandLine(m)
                .parseArgs(
                        "--leader-elect=false",
                        "--scheduler-name",
                        "my-scheduler",
                        "--pod-initial-backoff",
                        "500ms",
                        "--pod-max-backoff",
                        "1m",
                        "--max-inflight-binds",
                        "8",
                        "--parallelism",
                        "4");
        assertThat(m.common.leaderElect()).isFalse();
        assertThat(m.schedulerName).isEqualTo("my-scheduler");
        assertThat(m.podInitialBackoff).isEqualTo(Duration.ofMillis(500));
        assertThat(m.podMaxBackoff).isEqualTo(Duration.ofMinutes(1));
        assertThat(m.maxInFlightBinds).isEqualTo(8);
        assertThat(m.parallelism).isEqualTo(4);
    }

    @Test
    void helpNamesTheSchedulerFlags() {
        String usage = new CommandLine(new SchedulerMain()).getUsageMessage();
        assertThat(usage).contains("--scheduler-name", "--leader-elect", "--etcd-endpoints", "--pod-max-backoff");
    }

    @Test
    void badFlagValuesExit2() {
        int code =
                new CommandLine(new SchedulerMain()).execute("--pod-initial-backoff", "10s", "--pod-max-backoff", "1s");
        assertThat(code).isEqualTo(2);
        assertThat(new CommandLine(new SchedulerMain()).execute("--parallelism", "-1"))
                .isEqualTo(2);
    }
}
