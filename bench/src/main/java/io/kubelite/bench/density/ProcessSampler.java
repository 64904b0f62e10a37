package io.kubelite.bench.density;

import io.kubelite.bench.common.ProcStat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the CPU seconds and resident set of each process of a cluster once a second from
 * /proc (which costs them nothing), between {@link #start()} and {@link #close()}: CPU used in
 * the window and the peak RSS seen. Owns its one sampling thread.
 */
final class ProcessSampler implements AutoCloseable {
    /** One process's figures over the window. */
    record Usage(String name, long pid, double cpuSeconds, double wallSeconds, long peakRssBytes) {
        double cpuPercent() {
            return wallSeconds <= 0 ? 0 : 100 * cpuSeconds / wallSeconds;
        }
    }

    private final Map<String, Long> pids;
    private final Map<String, Double> cpuAtStart = new LinkedHashMap<>();
    private final Map<String, Long> peakRss = new LinkedHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "density-proc-sampler"));
    private long startNanos;
    private boolean closed;

    /** @param pids process name to pid, in report order */
    ProcessSampler(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    synchronized void start() {
        startNanos = System.nanoTime();
        pids.forEach((name, pid) -> {
            cpuAtStart.put(name, ProcStat.cpuSeconds(pid));
            peakRss.put(name, ProcStat.rssBytes(pid));
        });
        timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private synchronized void sample() {
        pids.forEach((name, pid) -> peakRss.merge(name, ProcStat.rssBytes(pid), Math::max));
    }

    /** The figures from {@link #start()} until now (sampling one last time). */
    synchronized Map<String, Usage> usage() {
        sample();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Usage> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(
                name, new Usage(name, pid, ProcStat.cpuSeconds(pid) - cpuAtStart.get(name), wall, peakRss.get(name))));
        return out;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            timer.shutdownNow();
        }
    }
}
