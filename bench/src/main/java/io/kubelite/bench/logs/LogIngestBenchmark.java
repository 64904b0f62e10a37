package io.kubelite.bench.logs;

import io.kubelite.bench.common.ComponentProcess;
import io.kubelite.bench.common.JcmdHeap;
import io.kubelite.bench.common.ProcStat;
import io.kubelite.bench.common.ThrowawayEtcd;
import io.kubelite.bench.common.Trees;
import io.kubelite.store.local.LoopbackPorts;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 18 item 5: the log store's ingest and query figures on this machine, next to the raw disk
 * figures measured in the same run.
 *
 * <p>Starts a throw-away durable etcd (the store joins it only for its mirror pod), then
 * {@code kubelite log-store} as its own OS process ({@code LogStoreMain}) on a fresh data
 * directory, and:
 * <ol>
 *   <li><b>ingest</b>: {@code --agents} simulated node agents ({@link NodeAgent}) post 200-byte
 *       lines ({@link SyntheticLog}) to {@code POST /ingest} as the contract asks (one request in
 *       flight per node, streams in {@code seq} order, {@code --streams-per-agent} ×
 *       {@code --lines-per-stream} lines a request) until {@code --lines} are stored; meanwhile a
 *       {@link VisibilityProbe} measures ingest-to-searchable. The store's CPU (/proc), the bytes it
 *       wrote ({@code /proc/PID/io}) and its commits (its own {@code /metrics}) over the phase;</li>
 *   <li><b>disk</b>: the index's size per stored line;</li>
 *   <li><b>queries</b> over everything stored ({@link QueryTimer}); then the store's live heap
 *       ({@code jcmd GC.run}) and RSS;</li>
 *   <li><b>raw disk</b>, store stopped: the same number of bytes the store wrote, written
 *       sequentially with an fsync every as many bytes as the store wrote per commit
 *       ({@link RawDisk#sequential}), and 4 KiB appends each fsynced for 5 s
 *       ({@link RawDisk#fsyncLoop}).</li>
 * </ol>
 * Usage: see {@link LogBenchOptions#USAGE}.
 */
public final class LogIngestBenchmark {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final LogBenchOptions o;

    private LogIngestBenchmark(LogBenchOptions o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        LogBenchOptions o;
        try {
            o = LogBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LogIngestBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        int rc = new LogIngestBenchmark(o).run();
        System.exit(rc);
    }

    /** What the ingest phase measured of the store process. */
    private record IngestFigures(
            IngestRun.Result run,
            io.kubelite.bench.common.Percentiles visible,
            double storeCpu,
            double benchCpu,
            long storeWriteBytes,
            double commits,
            double commitSeconds,
            String load) {}

    private int run() throws Exception {
        System.out.printf(
                "log ingest benchmark: %,d lines of %d bytes, %d agents x %d streams x %d lines a request;"
                        + " %d cores, load %s; logs in %s%n",
                o.lines(),
                SyntheticLog.LINE_LENGTH,
                o.agents(),
                o.streamsPerAgent(),
                o.linesPerStream(),
                Runtime.getRuntime().availableProcessors(),
                ProcStat.loadavg(),
                o.logDir());
        Path dataParent = o.dataParent() == null
                ? Files.createTempDirectory("kubelite-logbench")
                : Files.createDirectories(o.dataParent());
        Path dataDir = Files.createTempDirectory(dataParent, "index");
        ThrowawayEtcd etcd = null;
        try {
            String endpoints = o.etcdEndpoints();
            if (endpoints == null) {
                etcd = ThrowawayEtcd.start("logbench", o.logDir().resolve("etcd.log"));
                endpoints = etcd.endpoint();
            }
            return measure(endpoints, dataDir);
        } finally {
            if (etcd != null) {
                etcd.close();
            }
            if (!o.keepData()) {
                Trees.delete(o.dataParent() == null ? dataParent : dataDir);
            } else {
                System.out.println("index kept in " + dataDir);
            }
        }
    }

    private int measure(String endpoints, Path dataDir) throws Exception {
        int port = LoopbackPorts.free();
        List<String> args = List.of(
                "--etcd-endpoints", endpoints,
                "--etcd-prefix", "/logbench-" + Long.toHexString(System.nanoTime()) + "/registry",
                "--data-dir", dataDir.toString(),
                "--port", Integer.toString(port),
                "--log-level", o.logLevel());
        IngestFigures ingest;
        List<QueryTimer.Timing> timings;
        long indexBytes;
        long live;
        long rss;
        try (ComponentProcess store = ComponentProcess.start(
                "log-store",
                "io.kubelite.logstore.LogStoreMain",
                o.storeJvmArgs(),
                args,
                o.logDir().resolve("log-store.log"))) {
            if (!store.awaitReady(Duration.ofMinutes(2))) {
                System.err.println("log-store not ready in 2 min; see " + store.log());
                return 1;
            }
            System.out.printf(
                    "log-store (pid %d, %s) ready on port %d, index in %s%n",
                    store.pid(), String.join(" ", o.storeJvmArgs()), port, dataDir);
            long runStart = System.currentTimeMillis() * 1_000_000L;
            ingest = ingest(store, port);
            indexBytes = treeBytes(dataDir);
            System.out.printf(
                    "index: %,d bytes, %.1f bytes per line%n",
                    indexBytes, (double) indexBytes / ingest.run().lines());
            timings = queries(port, runStart - MINUTE_NANOS, System.currentTimeMillis() * 1_000_000L + MINUTE_NANOS);
            live = JcmdHeap.liveBytes(store.pid());
            rss = ProcStat.rssBytes(store.pid());
        }
        System.out.println("log-store stopped; raw disk ...");
        RawDisk disk = new RawDisk(dataDir);
        long perCommit =
                Math.max(RawDisk.WRITE_BYTES, (long) (ingest.storeWriteBytes() / Math.max(1, ingest.commits())));
        RawDisk.Result seq = disk.sequential(Math.max(perCommit, ingest.storeWriteBytes()), perCommit);
        RawDisk.Result fsync = disk.fsyncLoop(4096, Duration.ofSeconds(5));
        new LogBenchReport(
                        o,
                        ingest.run(),
                        ingest.visible(),
                        ingest.storeCpu(),
                        ingest.benchCpu(),
                        ingest.storeWriteBytes(),
                        ingest.commits(),
                        ingest.commitSeconds(),
                        ingest.load(),
                        indexBytes,
                        timings,
                        live,
                        rss,
                        seq,
                        fsync)
                .print(System.out);
        return ingest.run().failures() == 0 ? 0 : 1;
    }

    private IngestFigures ingest(ComponentProcess store, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        SyntheticLog log = new SyntheticLog(o.rareEvery());
        long self = ProcessHandle.current().pid();
        double storeCpu0 = store.cpuSeconds();
        double benchCpu0 = ProcStat.cpuSeconds(self);
        long written0 = ProcIo.writeBytes(store.pid());
        double commits0 = zeroIfNaN(store.metric("kubelite_logstore_commit_duration_seconds_count"));
        double commitSum0 = zeroIfNaN(store.metric("kubelite_logstore_commit_duration_seconds_sum"));
        System.out.printf(
                "ingest: until %,d lines are stored (at most %d s) ...%n",
                o.lines(), o.maxDuration().toSeconds());
        IngestRun.Result r;
        io.kubelite.bench.common.Percentiles visible;
        try (VisibilityProbe probe = new VisibilityProbe(
                new IngestClient(http, port), new LokiQueries(http, port), o.probeIntervalMillis())) {
            probe.start();
            r = new IngestRun(
                            o.agents(),
                            o.streamsPerAgent(),
                            o.linesPerStream(),
                            o.lines(),
                            o.maxDuration(),
                            Duration.ofSeconds(10),
                            port,
                            log)
                    .run();
            visible = probe.percentiles();
            if (probe.lastError() != null) {
                System.out.println("visibility probe: last error: " + probe.lastError());
            }
        }
        String load = ProcStat.loadavg();
        double storeCpu = store.cpuSeconds() - storeCpu0;
        double benchCpu = ProcStat.cpuSeconds(self) - benchCpu0;
        long written = ProcIo.writeBytes(store.pid()) - written0;
        double commits = store.metric("kubelite_logstore_commit_duration_seconds_count") - commits0;
        double commitSeconds = store.metric("kubelite_logstore_commit_duration_seconds_sum") - commitSum0;
        System.out.printf(
                "ingest: %,d lines in %.1f s = %,.0f lines/s; %d failed requests%s%n",
                r.lines(),
                r.seconds(),
                r.linesPerSecond(),
                r.failures(),
                r.lastError() == null ? "" : " (last: " + r.lastError() + ")");
        return new IngestFigures(r, visible, storeCpu, benchCpu, written, commits, commitSeconds, load);
    }

    private List<QueryTimer.Timing> queries(int port, long start, long end) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        QueryTimer timer = new QueryTimer(new LokiQueries(http, port));
        List<QueryTimer.Spec> specs = List.of(
                new QueryTimer.Spec(
                        "selector, newest 100", "{namespace=\"ns-3\", app=\"app-3\"}", start, end, 100, false),
                new QueryTimer.Spec(
                        "selector |= word", "{namespace=\"ns-3\", app=\"app-3\"} |= \"error\"", start, end, 100, false),
                new QueryTimer.Spec(
                        "selector |~ regex", "{namespace=\"ns-3\"} |~ \"status=5\\\\d\\\\d\"", start, end, 100, false),
                new QueryTimer.Spec(
                        "rare term, all streams",
                        "{stream=\"stdout\"} |= \"" + SyntheticLog.RARE_TERM + "\"",
                        start,
                        end,
                        100,
                        false));
        List<QueryTimer.Timing> out = new ArrayList<>();
        for (QueryTimer.Spec s : specs) {
            QueryTimer.Timing t = timer.time(s, 3, o.queryRuns());
            System.out.printf(
                    "query %-24s %s, %d lines%n", s.name(), t.latency().millis(), t.answered());
            out.add(t);
        }
        return out;
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static long treeBytes(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (java.io.IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }
}
