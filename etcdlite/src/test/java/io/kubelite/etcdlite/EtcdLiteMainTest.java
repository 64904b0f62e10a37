package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** etcdlite's flags, defaults and exit codes, without starting a server. */
class EtcdLiteMainTest {
    record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = EtcdLiteMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void noFlagsGiveTheDefaults() {
        EtcdLite.Options o = EtcdLite.parse(new String[0]);
        assertThat(o.dataDir).isEqualTo(Path.of("default.etcdlite"));
        assertThat(o.host).isEqualTo("127.0.0.1");
        assertThat(o.port).isEqualTo(2379);
        assertThat(o.snapshotBytes).isEqualTo(64L << 20);
        assertThat(o.progressNotifyMillis).isEqualTo(600_000);
        assertThat(o.maxRequestBytes).isEqualTo(1536 * 1024);
        assertThat(o.name).isEqualTo("default");
    }

    @Test
    void everyFlagInBothForms() {
        EtcdLite.Options o = EtcdLite.parse(new String[] {
            "--data-dir",
            "/tmp/d",
            "--listen=http://localhost:2400",
            "--snapshot-bytes",
            "-1",
            "--progress-notify-interval-ms=250",
            "--max-request-bytes",
            "99999999999",
            "--name",
            "m1"
        });
        assertThat(o.dataDir).isEqualTo(Path.of("/tmp/d"));
        assertThat(o.host).isEqualTo("localhost");
        assertThat(o.port).isEqualTo(2400);
        assertThat(o.snapshotBytes).isEqualTo(-1);
        assertThat(o.progressNotifyMillis).isEqualTo(250);
        assertThat(o.maxRequestBytes).as("clamped to an int").isEqualTo(Integer.MAX_VALUE);
        assertThat(o.name).isEqualTo("m1");
    }

    @Test
    void badFlagsAreOneLineAndExitCode2() {
        Result notANumber = run("--snapshot-bytes", "lots");
        assertThat(notANumber.code()).isEqualTo(2);
        assertThat(notANumber.err())
                .isEqualTo("etcdlite: Invalid value for option '--snapshot-bytes': 'lots' is not a whole number\n");

        Result unknown = run("--data-dir", "/tmp/d", "--snapshots", "3");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("etcdlite: ").contains("--snapshots");
        assertThat(unknown.err().lines()).hasSize(1);

        Result missing = run("--listen");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("etcdlite: ").contains("--listen");
        assertThat(missing.err().lines()).hasSize(1);

        // out of range: found when the options are built, before anything starts
        assertThat(run("--max-request-bytes", "0").code()).isEqualTo(2);
        assertThat(run("--listen", "no-port").code()).isEqualTo(2);
        assertThatThrownBy(() -> EtcdLite.parse(new String[] {"--max-request-bytes", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-request-bytes must be positive, got 0");
        assertThatThrownBy(() -> EtcdLite.parse(new String[] {"--name"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--name");
    }

    @Test
    void helpListsEveryFlagAndExits0() {
        Result help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains(
                        "--data-dir",
                        "--listen",
                        "--snapshot-bytes",
                        "--progress-notify-interval-ms",
                        "--max-request-bytes",
                        "--name",
                        "default.etcdlite",
                        "127.0.0.1:2379",
                        "67108864",
                        "600000",
                        "1572864");
        assertThat(help.err()).isEmpty();
    }
}
