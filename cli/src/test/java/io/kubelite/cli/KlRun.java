package io.kubelite.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** Runs kl in-process against one API server and captures what it printed, for the logs tests. */
final class KlRun {
    /** kl's exit code and what it wrote to stdout and stderr. */
    record Result(int code, String out, String err) {}

    private KlRun() {}

    /** {@code kl --server SERVER ARGS...} with no kubeconfig environment and the system clock. */
    static Result against(String server, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--server";
        all[1] = server;
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Kl.run(
                all,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(),
                Clock.systemUTC());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Unix nanoseconds of {@code i}, as the log store's API takes them. */
    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
