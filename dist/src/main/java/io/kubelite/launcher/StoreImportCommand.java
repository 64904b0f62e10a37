package io.kubelite.launcher;

import io.kubelite.store.Etcd;
import io.kubelite.store.transfer.ExportFile;
import io.kubelite.store.transfer.ExportReader;
import io.kubelite.store.transfer.ImportSummary;
import io.kubelite.store.transfer.InvalidExportException;
import io.kubelite.store.transfer.StoreImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubelite store import}: validates the whole file first (nothing is written
 * when any line is wrong), then writes it under the prefix; see {@link StoreImporter}.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Write a kubelite-export/v1 file under the prefix. The whole file is checked first; "
                + "an occupied prefix is refused unless --force.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:imported",
            "1:invalid file, occupied target or etcd unreachable (nothing written, "
                    + "except when a key appears in the target during the import)",
            "2:bad flags"
        })
final class StoreImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreConnectionOptions etcd;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            required = true,
            description = "The export to import; - for standard input.")
    String file;

    @Option(
            names = "--force",
            description = "Import even when the prefix already holds keys; keys in the file overwrite the same keys.")
    boolean force;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (etcd.problem() != null) {
            StoreCommand.fail(cmd, "import", etcd.problem());
            return 2;
        }
        ExportFile export;
        try {
            export = read();
        } catch (InvalidExportException e) {
            StoreCommand.fail(
                    cmd,
                    "import",
                    (file.equals("-") ? "standard input" : file) + " is not a valid kubelite export: " + e.getMessage()
                            + "; nothing was written");
            return 1;
        } catch (NoSuchFileException e) {
            StoreCommand.fail(cmd, "import", "no such file: " + file);
            return 1;
        } catch (IOException e) {
            StoreCommand.fail(cmd, "import", "cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        try (QuietLogs quiet = QuietLogs.start();
                Etcd client = etcd.connect()) {
            ImportSummary s = new StoreImporter(client).importFile(export, force);
            cmd.getOut().println(summary(s));
            return 0;
        } catch (RuntimeException e) {
            StoreCommand.fail(cmd, "import", StoreCommand.describe(e, etcd));
            return 1;
        }
    }

    private ExportFile read() throws IOException {
        if (file.equals("-")) {
            return ExportReader.read(System.in);
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return ExportReader.read(in);
        }
    }

    static String summary(ImportSummary s) {
        return "imported " + s.keys() + (s.keys() == 1 ? " key" : " keys") + " into " + s.targetPrefix()
                + " (" + s.leasedKeys() + " on " + s.leases() + (s.leases() == 1 ? " fresh lease" : " fresh leases")
                + ", " + s.transactions() + (s.transactions() == 1 ? " transaction" : " transactions")
                + ") from " + s.sourcePrefix() + " at revision " + s.sourceRevision();
    }
}
