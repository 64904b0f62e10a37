package io.kubelite.launcher;

import io.kubelite.store.Etcd;
import io.kubelite.store.transfer.ExportSummary;
import io.kubelite.store.transfer.StoreExporter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubelite store export}: every object under the prefix, read at one revision,
 * to a kubelite-export/v1 file. A file target is written to a temporary sibling and
 * renamed when complete, so a failed export never leaves a plausible-looking file.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write every object under the prefix, read at one etcd revision, to a file (kubelite-export/v1).",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:exported", "1:etcd unreachable or the file could not be written", "2:bad flags"})
final class StoreExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreConnectionOptions etcd;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            defaultValue = "-",
            description = "Where to write the export; - for standard output (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (etcd.problem() != null) {
            StoreCommand.fail(cmd, "export", etcd.problem());
            return 2;
        }
        boolean toStdout = output.equals("-");
        try (QuietLogs quiet = QuietLogs.start();
                Etcd client = etcd.connect()) {
            StoreExporter exporter = new StoreExporter(client);
            ExportSummary s = toStdout ? toStdout(exporter) : toFile(exporter, Path.of(output));
            // the summary must not mix with the export when that goes to standard output
            (toStdout ? cmd.getErr() : cmd.getOut()).println(summary(s, toStdout ? "standard output" : output));
            return 0;
        } catch (RuntimeException | IOException e) {
            StoreCommand.fail(cmd, "export", StoreCommand.describe(e, etcd));
            return 1;
        }
    }

    private static ExportSummary toStdout(StoreExporter exporter) throws IOException {
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        ExportSummary s = exporter.export(out);
        out.flush();
        // System.out is a PrintStream: it swallows write errors (a full disk, a closed pipe)
        if (System.out.checkError()) {
            throw new IOException("writing the export to standard output failed (disk full or pipe closed?)");
        }
        return s;
    }

    private static ExportSummary toFile(StoreExporter exporter, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(
                "." + abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            ExportSummary s;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                s = exporter.export(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return s;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String summary(ExportSummary s, String where) {
        StringBuilder b = new StringBuilder("exported ")
                .append(s.keys())
                .append(s.keys() == 1 ? " key" : " keys")
                .append(" (")
                .append(s.leasedKeys())
                .append(" with a lease ttl) from ")
                .append(s.prefix())
                .append(" at revision ")
                .append(s.revision())
                .append(" to ")
                .append(where);
        if (!s.skippedKeys().isEmpty()) {
            b.append("; skipped ")
                    .append(s.skippedKeys().size())
                    .append(" undecodable: ")
                    .append(String.join(
                            ", ",
                            s.skippedKeys()
                                    .subList(0, Math.min(3, s.skippedKeys().size()))))
                    .append(s.skippedKeys().size() > 3 ? ", ..." : "");
        }
        return b.toString();
    }
}
