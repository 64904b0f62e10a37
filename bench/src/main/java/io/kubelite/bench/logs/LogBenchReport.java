package io.kubelite.bench.logs;

import io.kubelite.bench.common.HeapProbe;
import io.kubelite.bench.common.Percentiles;
import java.io.PrintStream;
import java.util.List;

/** The benchmark's summary: the store's figures, each next to the raw figure it rests on. */
record LogBenchReport(
        LogBenchOptions options,
        IngestRun.Result ingest,
        Percentiles visible,
        double storeCpuSeconds,
        double benchCpuSeconds,
        long storeWriteBytes,
        double commits,
        double commitSeconds,
        String loadAfterIngest,
        long indexBytes,
        List<QueryTimer.Timing> queries,
        long storeLiveHeap,
        long storeRss,
        RawDisk.Result rawSequential,
        RawDisk.Result rawFsync) {

    void print(PrintStream out) {
        double secs = ingest.seconds();
        double rate = ingest.linesPerSecond();
        double storeMBps = storeWriteBytes / secs / 1e6;
        out.println();
        out.println("== log store ingest (issue 18) ==");
        out.printf("cores %d, load after ingest %s%n", Runtime.getRuntime().availableProcessors(), loadAfterIngest);
        out.printf(
                "ingest: %,d lines in %.1f s = %,.0f lines/s (target 50,000)%s%n",
                ingest.lines(), secs, rate, rate >= 50_000 ? "" : "  ** BELOW TARGET **");
        out.printf("  rate per 10 s: %s%n", rates());
        out.printf(
                "  request (%d lines) latency p50 / p99: %s; failed requests %d%n",
                options.linesPerRequest(), ingest.requests().millis(), ingest.failures());
        out.printf("  ingest-to-searchable p50 / p99: %s (%d probes)%n", visible.millis(), visible.count());
        out.printf(
                "  store CPU %.2f cores (%.1f µs per line); benchmark's agents %.2f cores%n",
                storeCpuSeconds / secs, storeCpuSeconds / ingest.lines() * 1e6, benchCpuSeconds / secs);
        out.printf(
                "  commits %.0f (%.1f/s, %.0f lines each, mean %.1f ms)%n",
                commits,
                commits / secs,
                ingest.lines() / Math.max(1, commits),
                commitSeconds / Math.max(1, commits) * 1e3);
        out.printf(
                "  store wrote %,d bytes (%.1f MB/s, %.0f bytes per line, merges included)%n",
                storeWriteBytes, storeMBps, (double) storeWriteBytes / ingest.lines());
        out.printf(
                "  raw disk, same run: same bytes sequential with an fsync every %,d bytes: %.0f MB/s (%.1f s);"
                        + " 4 KiB append+fsync: %.0f fsyncs/s%n",
                rawSequential.bytes() / Math.max(1, rawSequential.fsyncs()),
                rawSequential.megabytesPerSecond(),
                rawSequential.seconds(),
                rawFsync.fsyncsPerSecond());
        out.printf(
                "  store's write rate / raw: %.2f; store's commits/s / raw fsyncs/s: %.3f%n",
                storeMBps / rawSequential.megabytesPerSecond(), commits / secs / rawFsync.fsyncsPerSecond());
        out.printf(
                "disk: index %,d bytes = %.1f bytes per line (raw text %d)%n",
                indexBytes, (double) indexBytes / ingest.lines(), SyntheticLog.LINE_LENGTH);
        out.printf(
                "queries over %,d lines (%d runs each, after 3 warm-up runs):%n", ingest.lines(), options.queryRuns());
        for (QueryTimer.Timing t : queries) {
            out.printf(
                    "  %-24s %-40s %s, %d lines%n",
                    t.spec().name(), t.spec().query(), t.latency().millis(), t.answered());
        }
        out.printf(
                "store heap: live %s after a full GC, RSS %s%n", HeapProbe.mib(storeLiveHeap), HeapProbe.mib(storeRss));
    }

    private String rates() {
        StringBuilder b = new StringBuilder();
        for (double r : ingest.rates()) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%,.0f", r));
        }
        return b.toString();
    }
}
