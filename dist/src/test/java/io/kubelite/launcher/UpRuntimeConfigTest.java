package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kubelite up --runtime-config}: a bad value is refused before anything starts or is written. */
class UpRuntimeConfigTest {

    @Test
    void anUnknownGroupVersionExitsTwoAndStartsNothing(@TempDir Path tmp) {
        Path dir = tmp.resolve("cluster");
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new KubeliteMain())
                    .execute("up", "--dir", dir.toString(), "--runtime-config", "batch/v2=true");
        } finally {
            System.setErr(stderr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("kubelite up: --runtime-config: unknown API group-version \"batch/v2\"");
        assertThat(dir).doesNotExist();
    }
}
