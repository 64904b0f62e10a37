package io.kubelite.bench.logs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log ingest benchmark's flags. {@link #parse} refuses unknown flags and out-of-range values
 * with a message naming the flag.
 */
record LogBenchOptions(
        long lines,
        Duration maxDuration,
        int agents,
        int streamsPerAgent,
        int linesPerStream,
        long rareEvery,
        int queryRuns,
        long probeIntervalMillis,
        List<String> storeJvmArgs,
        Path logDir,
        Path dataParent,
        boolean keepData,
        String logLevel,
        String etcdEndpoints) {

    static final String USAGE = "LogIngestBenchmark [--lines 1000000] [--max-duration 600s] [--agents 8]"
            + " [--streams-per-agent 16] [--lines-per-stream 100] [--rare-every 1000000] [--query-runs 30]"
            + " [--probe-interval-ms 200] [--store-jvm-args '-Xmx1g -XX:+UseParallelGC'] [--log-dir DIR]"
            + " [--data-dir DIR] [--keep-data] [--log-level warn] [--etcd-endpoints host:port]";

    static LogBenchOptions parse(String[] args) throws java.io.IOException {
        long lines = 1_000_000;
        Duration maxDuration = Duration.ofMinutes(10);
        int agents = 8;
        int streams = 16;
        int perStream = 100;
        long rareEvery = 1_000_000;
        int queryRuns = 30;
        long probeMillis = 200;
        List<String> jvm = List.of("-Xmx1g", "-XX:+UseParallelGC");
        Path logDir = null;
        Path dataParent = null;
        boolean keep = false;
        String logLevel = "warn";
        String etcd = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--keep-data")) {
                keep = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": needs a value; usage: " + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--lines" -> lines = positive(a, Long.parseLong(v.replace("_", "")));
                case "--max-duration" -> maxDuration = Duration.ofSeconds(positive(a, seconds(a, v)));
                case "--agents" -> agents = (int) positive(a, Integer.parseInt(v));
                case "--streams-per-agent" -> streams = (int) positive(a, Integer.parseInt(v));
                case "--lines-per-stream" -> perStream = (int) positive(a, Integer.parseInt(v));
                case "--rare-every" -> rareEvery = positive(a, Long.parseLong(v.replace("_", "")));
                case "--query-runs" -> queryRuns = (int) positive(a, Integer.parseInt(v));
                case "--probe-interval-ms" -> probeMillis = positive(a, Long.parseLong(v));
                case "--store-jvm-args" ->
                    jvm = new ArrayList<>(Arrays.asList(v.trim().split("\\s+")));
                case "--log-dir" -> logDir = Path.of(v);
                case "--data-dir" -> dataParent = Path.of(v);
                case "--log-level" -> logLevel = v;
                case "--etcd-endpoints" -> etcd = v;
                default -> throw new IllegalArgumentException("unknown flag " + a + "; usage: " + USAGE);
            }
        }
        if (logDir == null) {
            logDir = Files.createTempDirectory("kubelite-logbench-logs");
        }
        Files.createDirectories(logDir);
        return new LogBenchOptions(
                lines,
                maxDuration,
                agents,
                streams,
                perStream,
                rareEvery,
                queryRuns,
                probeMillis,
                List.copyOf(jvm),
                logDir,
                dataParent,
                keep,
                logLevel,
                etcd);
    }

    int linesPerRequest() {
        return streamsPerAgent * linesPerStream;
    }

    private static long positive(String flag, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(flag + ": must be positive, got " + v);
        }
        return v;
    }

    /** {@code 90}, {@code 90s}, {@code 5m}. */
    static long seconds(String flag, String v) {
        try {
            if (v.endsWith("m")) {
                return Long.parseLong(v.substring(0, v.length() - 1)) * 60;
            }
            return Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": expected seconds such as 90s or 5m, got " + v);
        }
    }
}
