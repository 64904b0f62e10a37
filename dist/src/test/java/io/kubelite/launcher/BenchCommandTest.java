package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code kubelite bench density} is reachable from the launcher, shows its flags, and reports bad
 * flags as one line under its full name (the benchmark itself is tested in the bench module).
 */
class BenchCommandTest {
    @Test
    void densityIsASubcommandOfBenchWithItsFlagsAndOneLineErrors() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new KubeliteMain());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        assertThat(cl.execute("bench", "density", "--help")).isZero();
        assertThat(out.toString()).contains("--nodes", "--pods-per-node", "--rate", "--rates", "--csv", "--kubeconfig");

        assertThat(cl.execute("bench", "density", "--pods-per-node", "-3")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("kubelite bench density: --pods-per-node must be positive")
                .doesNotContain("\tat ");
    }
}
