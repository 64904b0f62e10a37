package io.kubelite.etcdlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code etcdlite}'s command line: parses the flags into {@link EtcdLite.Options},
 * starts the server, prints {@code etcdlite ready on HOST:PORT} (launchers wait for
 * that line) and serves until the process is stopped; a shutdown hook closes it.
 *
 * <p>Exit codes: 0 after {@code --help}; 2 for a bad flag, or for a data dir that must
 * not be served (a corrupt log, say), with one line on stderr, {@code etcdlite: <why>},
 * and no stack trace; 1 for any other failure to start.
 */
@Command(
        name = "etcdlite",
        sortOptions = false,
        usageHelpWidth = 100,
        description = "A single-node, persistent etcd v3 API server.")
public final class EtcdLiteMain implements Callable<Integer> {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = EtcdLite.Options.DEFAULT_DATA_DIR,
            description = "Log, snapshots and member ids (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = EtcdLite.Options.DEFAULT_LISTEN,
            description = "gRPC address; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--snapshot-bytes",
            paramLabel = "N",
            converter = WholeNumber.class,
            defaultValue = "" + EtcdLite.Options.DEFAULT_SNAPSHOT_BYTES,
            description = "Log size that triggers a snapshot, 0 = never (default: ${DEFAULT-VALUE}).")
    long snapshotBytes;

    @Option(
            names = "--progress-notify-interval-ms",
            paramLabel = "N",
            converter = WholeNumber.class,
            defaultValue = "" + EtcdLite.Options.DEFAULT_PROGRESS_NOTIFY_MILLIS,
            description = "Progress notifications to idle watchers that asked for them (default: ${DEFAULT-VALUE}).")
    long progressNotifyMillis;

    @Option(
            names = "--max-request-bytes",
            paramLabel = "N",
            converter = WholeNumber.class,
            defaultValue = "" + Backend.MAX_REQUEST_BYTES,
            description = "Largest put/txn; watch fragmenting threshold - 512 KiB (default: ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = EtcdLite.Options.DEFAULT_NAME,
            description = "Member name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command, with parse errors reported as one line and exit code 2. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EtcdLiteMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("etcdlite: " + ex.getMessage());
            return 2;
        });
        return cl;
    }

    /** Parses {@code args} without running; a bad flag is an {@link IllegalArgumentException} naming it. */
    static EtcdLite.Options parse(String... args) {
        EtcdLiteMain m = new EtcdLiteMain();
        try {
            new CommandLine(m).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return m.options();
    }

    /** The options these flags describe; throws {@link IllegalArgumentException} for values out of range. */
    EtcdLite.Options options() {
        return new EtcdLite.Options()
                .dataDir(dataDir)
                .listen(listen)
                .snapshotBytes(snapshotBytes)
                .progressNotifyMillis(progressNotifyMillis)
                .maxRequestBytes((int) Math.min(Integer.MAX_VALUE, maxRequestBytes))
                .name(name);
    }

    @Override
    public Integer call() throws InterruptedException {
        EtcdLite e;
        try {
            e = EtcdLite.start(options());
        } catch (IllegalArgumentException | IOException | UncheckedIOException bad) {
            // a clear message, not a stack trace: a bad flag or a data dir that must not be served
            System.err.println("etcdlite: " + bad.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(e::close, "etcdlite-shutdown"));
        System.out.println("etcdlite ready on " + e.endpoint());
        System.out.flush();
        Thread.currentThread().join();
        return 0;
    }

    /** {@link Long#parseLong}, with a message in a user's words rather than picocli's "not a long". */
    static final class WholeNumber implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
        }
    }
}
