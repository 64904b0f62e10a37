package io.kubelite.bench.density;

import io.kubelite.bench.common.Percentiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * One density run at one creation rate: CL2's SLIs next to the raw etcd figures of the same run.
 * Latencies of pod startup are per pod, create (etcd) → Running seen through the API server's
 * watch, and its three phases.
 */
record DensityReport(
        String startedAt,
        int cores,
        String loadAtStart,
        String loadAtEnd,
        int nodes,
        int pods,
        double rate,
        int groupSize,
        int warmupPods,
        int running,
        double createSeconds,
        double allRunningSeconds,
        Latencies startup,
        Latencies createToSchedule,
        Latencies scheduleToRun,
        Latencies runToWatch,
        List<ApiRequestHistograms.Row> apiCalls,
        Latencies clientPost,
        Map<String, ProcessSampler.Usage> processes,
        long etcdWrites,
        long dbSizeBefore,
        long dbSizeAfter,
        Percentiles rawPutWatch,
        double rawBindTxnPerSecond) {

    static final String CSV_HEADER = "rate,nodes,pods,p50_ms,p90_ms,p99_ms,raw_put_watch_p99_ms";
    static final double STARTUP_P99_TARGET_MS = 1000;
    static final double MUTATING_P99_TARGET_MS = 100;

    /** The worst p99 of any mutating verb, from the API server's histogram (0 if none was served). */
    double mutatingP99Ms() {
        return apiCalls.stream()
                .filter(ApiRequestHistograms.Row::mutating)
                .mapToDouble(ApiRequestHistograms.Row::p99Ms)
                .max()
                .orElse(0);
    }

    double etcdWritesPerSecond() {
        return allRunningSeconds <= 0 ? 0 : etcdWrites / allRunningSeconds;
    }

    /** The report as a table, figures beside the raw etcd figures and the targets. */
    String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                "%n== density: %d nodes x %d pods/node = %d pods at %.0f pods/s (ReplicaSets of %d) ==%n",
                nodes, pods / Math.max(1, nodes), pods, rate, groupSize));
        row(b, "started / cores / load at start, end", "%s / %d / %s, %s", startedAt, cores, loadAtStart, loadAtEnd);
        row(
                b,
                "warm-up before the run (not measured)",
                "%s",
                warmupPods == 0 ? "none: a cold cluster" : warmupPods + " pods created, Running, deleted");
        row(b, "pods Running (seen by the API watch)", "%d of %d", running, pods);
        row(b, "creates sent in / all Running after", "%.1f s / %.1f s", createSeconds, allRunningSeconds);
        b.append(String.format("%n%-46s %s%n", "pod startup latency", "p50 / p90 / p99"));
        row(
                b,
                "  create -> Running seen by watch (SLI)",
                "%s   target p99 <= %.0f ms: %s",
                startup.describe(),
                STARTUP_P99_TARGET_MS,
                verdict(startup.millis(0.99), STARTUP_P99_TARGET_MS));
        row(b, "  create -> schedule", "%s", createToSchedule.describe());
        row(b, "  schedule -> run", "%s", scheduleToRun.describe());
        row(b, "  run -> watch", "%s", runToWatch.describe());
        b.append(String.format(
                "%n%-46s %s%n", "API call latency (apiserver_request_duration_seconds)", "count, p50 / p99"));
        for (ApiRequestHistograms.Row r : apiCalls) {
            row(b, "  " + r.verb() + " " + r.resource(), "%6d, %7.1f / %7.1f ms", r.count(), r.p50Ms(), r.p99Ms());
        }
        row(
                b,
                "  mutating calls, worst p99",
                "%.1f ms   target <= %.0f ms: %s",
                mutatingP99Ms(),
                MUTATING_P99_TARGET_MS,
                verdict(mutatingP99Ms(), MUTATING_P99_TARGET_MS));
        row(b, "  POST replicasets as the client saw it", "%s", clientPost.describe());
        b.append(String.format(
                "%n%-46s %s%n", "processes (create start -> all Running)", "CPU s (% of one core), peak RSS"));
        for (ProcessSampler.Usage u : processes.values()) {
            row(
                    b,
                    "  " + u.name() + " (pid " + u.pid() + ")",
                    "%7.1f s (%5.1f %%), %7.1f MiB",
                    u.cpuSeconds(),
                    u.cpuPercent(),
                    u.peakRssBytes() / (1024.0 * 1024.0));
        }
        if (processes.isEmpty()) {
            row(b, "  (attached to a running cluster: its processes are not ours to sample)", "");
        }
        b.append(String.format("%n%-46s%n", "etcd"));
        row(b, "  writes (revisions) / per second", "%d / %.0f", etcdWrites, etcdWritesPerSecond());
        row(b, "  DB size before / after", "%.1f / %.1f MiB", dbSizeBefore / 1048576.0, dbSizeAfter / 1048576.0);
        row(b, "  raw put -> watch at the same rate", "%s", rawPutWatch.millis());
        row(b, "  raw bind-shaped txn rate (512 in flight)", "%.0f txn/s", rawBindTxnPerSecond);
        row(
                b,
                "  startup p99 / raw put->watch p99",
                "%.1fx",
                startup.millis(0.99) / Math.max(1e-3, rawPutWatch.p99() / 1e6));
        return b.toString();
    }

    private static String verdict(double value, double target) {
        return value <= target ? "met" : String.format("MISSED by %.0f ms (%.1fx)", value - target, value / target);
    }

    private static void row(StringBuilder b, String label, String fmt, Object... args) {
        b.append(String.format("%-46s %s%n", label, String.format(fmt, args)));
    }

    String csvRow() {
        return String.format(
                java.util.Locale.ROOT,
                "%.0f,%d,%d,%.1f,%.1f,%.1f,%.1f",
                rate,
                nodes,
                pods,
                startup.millis(0.50),
                startup.millis(0.90),
                startup.millis(0.99),
                rawPutWatch.p99() / 1e6);
    }

    /** Appends the rows to {@code file}, writing the header first if the file is new or empty. */
    static void appendCsv(Path file, List<DensityReport> reports) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        StringBuilder b = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) {
            b.append(CSV_HEADER).append('\n');
        }
        for (DensityReport r : reports) {
            b.append(r.csvRow()).append('\n');
        }
        Files.writeString(file, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
