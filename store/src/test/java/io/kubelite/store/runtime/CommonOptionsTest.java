package io.kubelite.store.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class CommonOptionsTest {
    @Command(name = "sample")
    static final class Cmd {
        @Mixin
        CommonOptions common = new CommonOptions();
    }

    @Command(name = "elected")
    static final class ElectedCmd {
        @Mixin
        CommonOptions common = new CommonOptions().leaderElectByDefault(true);
    }

    private static CommonOptions parse(String... args) {
        Cmd cmd = new Cmd();
        new CommandLine(cmd).parseArgs(args);
        return cmd.common;
    }

    @Test
    void defaults() {
        CommonOptions o = parse();
        String env = System.getenv("ETCD_ENDPOINTS");
        assertThat(o.etcdEndpoints()).isEqualTo(env == null ? List.of("127.0.0.1:2379") : List.of(env.split(",")));
        assertThat(o.etcdPrefix()).isEqualTo("/registry");
        assertThat(o.etcdRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.etcdStartupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.leaderElect()).isFalse();
        assertThat(o.leaderLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.healthPort()).isZero();
        assertThat(o.healthBindAddress()).isEqualTo("127.0.0.1");
        assertThat(o.logLevel()).isEqualTo(org.slf4j.event.Level.INFO);
        assertThat(o.identity()).endsWith("-" + ProcessHandle.current().pid());
        o.validate();
    }

    @Test
    void parsesEverything() {
        CommonOptions o = parse(
                "--etcd-endpoints",
                "a:1,b:2",
                "--etcd-prefix",
                "/t/",
                "--etcd-request-timeout",
                "500ms",
                "--etcd-startup-timeout",
                "2s",
                "--id",
                "me",
                "--leader-elect",
                "--leader-lease-duration",
                "3s",
                "--health-port",
                "8080",
                "--health-bind-address",
                "0.0.0.0",
                "--log-level",
                "DEBUG");
        assertThat(o.etcdEndpoints()).containsExactly("a:1", "b:2");
        assertThat(o.etcdConfig().prefix()).isEqualTo("/t");
        assertThat(o.etcdRequestTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.etcdStartupTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.identity()).isEqualTo("me");
        assertThat(o.leaderElect()).isTrue();
        assertThat(o.leaderLeaseDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.healthPort()).isEqualTo(8080);
        assertThat(o.healthBindAddress()).isEqualTo("0.0.0.0");
        assertThat(o.logLevel()).isEqualTo(org.slf4j.event.Level.DEBUG);
    }

    @Test
    void componentCanChangeLeaderElectDefault() {
        ElectedCmd cmd = new ElectedCmd();
        new CommandLine(cmd).parseArgs();
        assertThat(cmd.common.leaderElect()).isTrue();
        ElectedCmd off = new ElectedCmd();
        new CommandLine(off).parseArgs("--leader-elect=false");
        assertThat(off.common.leaderElect()).isFalse();
    }

    @Test
    void badDurationIsAClearUsageError() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Cmd()).setErr(new PrintWriter(err)).execute("--etcd-request-timeout", "10");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--etcd-request-timeout").contains("'10' is not a duration");
    }

    @Test
    void validateRejectsZeroTimeoutAndBadPort() {
        assertThatThrownBy(() -> parse("--etcd-request-timeout", "0").validate())
                .hasMessageContaining("--etcd-request-timeout");
        assertThatThrownBy(() -> parse("--health-port", "70000").validate()).hasMessageContaining("--health-port");
        assertThatThrownBy(() -> parse("--etcd-endpoints", ",").validate()).hasMessageContaining("--etcd-endpoints");
    }
}
