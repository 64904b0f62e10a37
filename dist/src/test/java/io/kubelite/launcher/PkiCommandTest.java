package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.pki.Pem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kubelite pki}: what it writes, with which names and modes, that it reuses, how it fails. */
class PkiCommandTest {
    record Result(int code, String out, String err) {}

    static Result pki(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "pki";
            System.arraycopy(args, 0, all, 1, args.length);
            int code = new CommandLine(new KubeliteMain()).execute(all);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void writesKubeadmNamedFilesKeysOwnerOnlyAndReusesThem(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pki");
        Result first =
                pki("--dir", dir.toString(), "--tls-san", "10.1.2.3,api.example", "--server", "https://10.1.2.3:6443");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out())
                .contains(
                        "pki: created the CA",
                        "pki: issued apiserver.crt for 127.0.0.1, localhost, 10.1.2.3, api.example");
        for (String key : List.of("ca.key", "apiserver.key", "admin.key", "kubeconfig")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(key)))
                    .as(key)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(dir.resolve("kubeconfig")).content().contains("server: https://10.1.2.3:6443", "client-key-data: ");
        X509Certificate admin = Pem.readCertificates(dir.resolve("admin.crt")).get(0);
        assertThat(admin.getSubjectX500Principal().getName()).isEqualTo("CN=kubernetes-admin,O=system:masters");
        X509Certificate server =
                Pem.readCertificates(dir.resolve("apiserver.crt")).get(0);
        assertThat(server.getSubjectAlternativeNames())
                .extracting(san -> san.get(1).toString())
                .containsExactlyInAnyOrder("127.0.0.1", "localhost", "10.1.2.3", "api.example");

        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
        byte[] serving = Files.readAllBytes(dir.resolve("apiserver.crt"));
        Result again = pki("--dir", dir.toString(), "--tls-san", "api.example");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("pki: reused the CA", "pki: reused apiserver.crt", "pki: reused admin.crt");
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(dir.resolve("apiserver.crt"))).isEqualTo(serving);

        // a new name: the serving certificate is reissued by the same CA
        Result wider = pki("--dir", dir.toString(), "--tls-san", "other.example");
        assertThat(wider.out()).contains("pki: reused the CA", "apiserver.crt lacks a SAN");
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(dir.resolve("apiserver.crt"))).isNotEqualTo(serving);
    }

    @Test
    void aBrokenDirectoryGetsOneLine(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pki"));
        Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        Result r = pki("--dir", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("kubelite pki: " + dir
                        + ": has ca.crt but no ca.key; restore the missing file or remove both to make a new CA\n");

        Files.writeString(dir.resolve("ca.key"), "not a key\n");
        Result bad = pki("--dir", dir.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err())
                .startsWith("kubelite pki: " + dir.resolve("ca.crt"))
                .doesNotContain("\tat ")
                .hasLineCount(1);
    }

    @Test
    void aTokenFileHoldsARandomAdminTokenOwnerOnlyKeptAcrossRuns(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pki");
        Path tokens = dir.resolve("tokens.csv");
        Result first = pki("--dir", dir.toString(), "--token-file", tokens.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("pki: wrote " + tokens + " (admin token)");
        assertThat(Files.getPosixFilePermissions(tokens)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String line = Files.readString(tokens).strip();
        assertThat(line).matches("[0-9a-f]{48},admin,admin-uid,\"system:masters\"");

        Result again = pki("--dir", dir.toString(), "--token-file", tokens.toString());
        assertThat(again.out()).contains("pki: reused " + tokens + " (admin token)");
        assertThat(Files.readString(tokens).strip()).isEqualTo(line);

        Path other = tmp.resolve("other/tokens.csv");
        Files.createDirectories(other.getParent());
        pki("--dir", tmp.resolve("other").toString(), "--token-file", other.toString());
        assertThat(Files.readString(other).strip().split(",")[0])
                .as("another cluster's token")
                .isNotEqualTo(line.split(",")[0]);
    }
}
