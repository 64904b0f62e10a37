package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kubelite up --encryption-provider-config}: a bad file is refused before anything starts or is written. */
class UpEncryptionConfigTest {

    @Test
    void aKeyOfTheWrongLengthExitsTwoNamingTheFieldAndStartsNothing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("cluster");
        Path config = Files.writeString(
                tmp.resolve("enc.yaml"),
                "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                        + "- resources: [secrets]\n  providers:\n  - aesgcm:\n      keys:\n      - name: k1\n"
                        + "        secret: c2hvcnQ=\n");
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new KubeliteMain())
                    .execute("up", "--dir", dir.toString(), "--encryption-provider-config", config.toString());
        } finally {
            System.setErr(stderr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("kubelite up: " + config + ": resources[0].providers[0].aesgcm.keys[0].secret: Invalid"
                        + " value: \"REDACTED\": secret is not of the expected length, got 5, expected one of"
                        + " [16, 24, 32]\n");
        assertThat(dir).doesNotExist();
    }
}
