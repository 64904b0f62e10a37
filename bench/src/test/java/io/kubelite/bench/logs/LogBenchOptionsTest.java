package io.kubelite.bench.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogBenchOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void flagsAreRead() throws Exception {
        LogBenchOptions o = LogBenchOptions.parse(new String[] {
            "--lines",
            "10_000_000",
            "--max-duration",
            "5m",
            "--agents",
            "4",
            "--store-jvm-args",
            "-Xmx2g -XX:+UseG1GC",
            "--log-dir",
            tmp.toString(),
            "--keep-data"
        });
        assertThat(o.lines()).isEqualTo(10_000_000);
        assertThat(o.maxDuration().toSeconds()).isEqualTo(300);
        assertThat(o.agents()).isEqualTo(4);
        assertThat(o.storeJvmArgs()).containsExactly("-Xmx2g", "-XX:+UseG1GC");
        assertThat(o.keepData()).isTrue();
        assertThat(o.linesPerRequest()).isEqualTo(1600);
    }

    @Test
    void badFlagsAreNamed() {
        String log = tmp.toString();
        assertThatThrownBy(() -> LogBenchOptions.parse(new String[] {"--agents", "0", "--log-dir", log}))
                .hasMessageContaining("--agents: must be positive");
        assertThatThrownBy(() -> LogBenchOptions.parse(new String[] {"--max-duration", "soon"}))
                .hasMessageContaining("--max-duration: expected seconds");
        assertThatThrownBy(() -> LogBenchOptions.parse(new String[] {"--lines"}))
                .hasMessageContaining("--lines: needs a value");
        assertThatThrownBy(() -> LogBenchOptions.parse(new String[] {"--nope", "1"}))
                .hasMessageContaining("unknown flag --nope");
    }
}
