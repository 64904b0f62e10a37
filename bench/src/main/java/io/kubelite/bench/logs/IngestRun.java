package io.kubelite.bench.logs;

import io.kubelite.bench.common.Percentiles;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code agents} {@link NodeAgent}s, one thread each, shipping until {@code lines} lines are
 * stored or {@code maxDuration} has passed; prints the rate every {@code reportEvery}.
 */
final class IngestRun {
    /** What the run stored, how long it took, the acknowledged requests' latency and the rate of each report interval. */
    record Result(
            long lines, double seconds, Percentiles requests, long failures, String lastError, List<Double> rates) {
        double linesPerSecond() {
            return lines / seconds;
        }
    }

    private final int agents;
    private final int streamsPerAgent;
    private final int perStream;
    private final long lines;
    private final Duration maxDuration;
    private final Duration reportEvery;
    private final int port;
    private final SyntheticLog log;

    IngestRun(
            int agents,
            int streamsPerAgent,
            int perStream,
            long lines,
            Duration maxDuration,
            Duration reportEvery,
            int port,
            SyntheticLog log) {
        this.agents = agents;
        this.streamsPerAgent = streamsPerAgent;
        this.perStream = perStream;
        this.lines = lines;
        this.maxDuration = maxDuration;
        this.reportEvery = reportEvery;
        this.port = port;
        this.log = log;
    }

    Result run() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        IngestClient client = new IngestClient(http, port);
        AtomicLong budget = new AtomicLong(lines);
        LongAdder stored = new LongAdder();
        LongAdder failures = new LongAdder();
        LatencyLog requests = new LatencyLog();
        List<NodeAgent> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            NodeAgent agent = new NodeAgent(
                    BenchStream.ofNode(a, streamsPerAgent, 8, 10),
                    a * streamsPerAgent,
                    perStream,
                    client,
                    log,
                    budget,
                    stored,
                    failures,
                    requests);
            all.add(agent);
            Thread t = new Thread(agent, "agent-" + a);
            t.setDaemon(true);
            threads.add(t);
        }
        long t0 = System.nanoTime();
        long deadline = t0 + maxDuration.toNanos();
        threads.forEach(Thread::start);
        List<Double> rates = new ArrayList<>();
        long lastAt = t0;
        long lastLines = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            long now = System.nanoTime();
            if (now >= deadline) {
                all.forEach(NodeAgent::stop);
                break;
            }
            threads.get(0).join(Math.max(1, Math.min((deadline - now) / 1_000_000, 200)));
            now = System.nanoTime();
            if (now - lastAt >= reportEvery.toNanos()) {
                long l = stored.sum();
                double rate = (l - lastLines) / ((now - lastAt) / 1e9);
                rates.add(rate);
                System.out.printf(
                        "  %6.0f s  %,12d lines stored  %,8.0f lines/s  load %s%n",
                        (now - t0) / 1e9, l, rate, io.kubelite.bench.common.ProcStat.loadavg());
                lastAt = now;
                lastLines = l;
            }
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String lastError = all.stream()
                .map(NodeAgent::lastError)
                .filter(e -> e != null)
                .findFirst()
                .orElse(null);
        return new Result(stored.sum(), seconds, requests.percentiles(), failures.sum(), lastError, rates);
    }
}
