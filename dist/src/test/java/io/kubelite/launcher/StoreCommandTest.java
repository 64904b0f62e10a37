package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.transfer.TransferFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code kubelite store export/import}: flags, exit codes and the one line each prints,
 * through the picocli entry point, and once as real processes piping stdout to stdin.
 */
class StoreCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private Path dir;
    private final List<Process> launched = new ArrayList<>();

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("store-command-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        launched.forEach(Process::destroyForcibly);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result kubelite(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new KubeliteMain())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String endpoints() {
        return String.join(",", ETCD.cluster().endpoints());
    }

    @Test
    void exportThenImportIntoAnotherPrefix() throws IOException {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        Path file = dir.resolve("backup.k8l");

        Result exp = kubelite(
                "store", "export", "--etcd-endpoints", endpoints(), "--prefix", source.prefix(), "-o", file.toString());
        assertThat(exp.code()).as(exp.err()).isZero();
        assertThat(exp.out())
                .matches("exported 13 keys \\(1 with a lease ttl\\) from " + source.prefix() + " at revision \\d+ to "
                        + file + "\n");
        assertThat(exp.err()).isEmpty();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("backup.k8l"); // no partial file left
        }

        Etcd target = ETCD.connect(ETCD.newPrefix());
        Result imp = kubelite(
                "store", "import", "--etcd-endpoints", endpoints(), "--prefix", target.prefix(), "-f", file.toString());
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out())
                .matches("imported 13 keys into " + target.prefix() + " \\(1 on 1 fresh lease, 1 transaction\\) from "
                        + source.prefix() + " at revision \\d+\n");
        assertThat(TransferFixtures.objects(target)).isEqualTo(TransferFixtures.objects(source));

        Result again = kubelite(
                "store", "import", "--etcd-endpoints", endpoints(), "--prefix", target.prefix(), "-f", file.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err())
                .isEqualTo(
                        "kubelite store import: the target prefix " + target.prefix()
                                + " already holds 13 keys; import into an empty prefix, or pass --force to overwrite the same keys\n");

        Result forced = kubelite(
                "store",
                "import",
                "--etcd-endpoints",
                endpoints(),
                "--prefix",
                target.prefix(),
                "--force",
                "-f",
                file.toString());
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(TransferFixtures.countUnder(target)).isEqualTo(13);
    }

    @Test
    void aTruncatedFileIsRefusedWithItsProblemAndNothingIsWritten() throws IOException {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        byte[] whole = TransferFixtures.export(source);
        Path cut = dir.resolve("cut.k8l");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 40));

        Etcd target = ETCD.connect(ETCD.newPrefix());
        Result r = kubelite(
                "store", "import", "--etcd-endpoints", endpoints(), "--prefix", target.prefix(), "-f", cut.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("kubelite store import: " + cut + " is not a valid kubelite export: "
                        + "line 15: the file ends in the middle of this line (truncated); nothing was written\n");
        assertThat(TransferFixtures.countUnder(target)).isZero();
    }

    @Test
    void badFlagsMissingFilesAndUnreachableEtcdAreOneLineEach() {
        Result noFile = kubelite("store", "import");
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).startsWith("Missing required option: '--file=FILE'");

        Result missing =
                kubelite("store", "import", "-f", dir.resolve("nope.k8l").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("kubelite store import: no such file: " + dir.resolve("nope.k8l") + "\n");

        String nowhere = "127.0.0.1:" + FreePorts.next();
        Path file = dir.resolve("never.k8l");
        Result down = kubelite(
                "store", "export", "--etcd-endpoints", nowhere, "--etcd-request-timeout", "1s", "-o", file.toString());
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).startsWith("kubelite store export: cannot reach etcd at " + nowhere + ": ");
        assertThat(down.err().lines()).hasSize(1);
        assertThat(dir.toFile().list()).isEmpty(); // neither the file nor a partial one

        Result badTimeout = kubelite("store", "export", "--etcd-request-timeout", "soon");
        assertThat(badTimeout.code()).isEqualTo(2);
        assertThat(badTimeout.err()).contains("--etcd-request-timeout");
        Result zero = kubelite("store", "export", "--etcd-request-timeout", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("kubelite store export: --etcd-request-timeout must be more than 0\n");
    }

    /** The real command line: a JVM exporting to stdout piped into a JVM importing from stdin. */
    @Test
    void pipesThroughStandardOutputAndInputAsProcesses() throws Exception {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        Etcd target = ETCD.connect(ETCD.newPrefix());

        Process exporter =
                start("store", "export", "--etcd-endpoints", endpoints(), "--prefix", source.prefix(), "-o", "-");
        Process importer =
                start("store", "import", "--etcd-endpoints", endpoints(), "--prefix", target.prefix(), "-f", "-");
        CompletableFuture<Void> pipe = CompletableFuture.runAsync(() -> {
            try (OutputStream to = importer.getOutputStream()) {
                exporter.getInputStream().transferTo(to);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CompletableFuture<String> exportErr = readAsync(exporter.getErrorStream());
        CompletableFuture<String> importOut = readAsync(importer.getInputStream());
        CompletableFuture<String> importErr = readAsync(importer.getErrorStream());
        assertThat(exporter.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(importer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        pipe.get(10, TimeUnit.SECONDS);

        assertThat(exporter.exitValue()).as(exportErr.get()).isZero();
        assertThat(exportErr.get()).matches("(?s)exported 13 keys .* to standard output\n");
        assertThat(importer.exitValue()).as(importErr.get()).isZero();
        assertThat(importOut.get()).startsWith("imported 13 keys into " + target.prefix());
        assertThat(TransferFixtures.objects(target)).isEqualTo(TransferFixtures.objects(source));

        // garbage on stdin: exit 1, one line, no stack trace
        Process bad = start(
                "store", "import", "--etcd-endpoints", endpoints(), "--prefix", target.prefix(), "--force", "-f", "-");
        try (OutputStream to = bad.getOutputStream()) {
            to.write("{\"format\":\"kubelite-export/v1\",\"prefix\":\"/registry\",\"revision\":1}\n{\"key\":"
                    .getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<String> badErr = readAsync(bad.getErrorStream());
        CompletableFuture<String> badOut = readAsync(bad.getInputStream());
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(1);
        assertThat(badOut.get()).isEmpty();
        assertThat(badErr.get())
                .isEqualTo("kubelite store import: standard input is not a valid kubelite export: "
                        + "line 2: the file ends in the middle of this line (truncated); nothing was written\n");
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KubeliteMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("ETCD_ENDPOINTS");
        Process p = pb.start();
        launched.add(p);
        return p;
    }

    private static CompletableFuture<String> readAsync(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
