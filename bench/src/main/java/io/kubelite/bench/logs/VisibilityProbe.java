package io.kubelite.bench.logs;

import io.kubelite.bench.common.Percentiles;
import java.util.List;
import java.util.Map;

/**
 * Ingest-to-searchable latency while the agents load the store: every {@code interval}, posts one
 * line to a stream of its own ({@code {namespace="bench-probe"}}) and polls {@code query_range}
 * for that stream's newest line (immediately after the 200, then every 2 ms) until it is that
 * line. A sample is the time from starting the POST to the answer that showed the line, so it
 * includes one query's time; the 2 ms polling adds at most 2 ms. Runs on its own thread.
 */
final class VisibilityProbe implements AutoCloseable {
    private static final String SELECTOR = "{namespace=\"bench-probe\"}";

    private final IngestClient client;
    private final LokiQueries queries;
    private final long intervalMillis;
    private final BenchStream stream =
            new BenchStream("bench-probe", "probe-0", "probe", "bench-probe-node", Map.of("app", "probe"));
    private final LatencyLog samples = new LatencyLog();
    private final Thread thread = new Thread(this::loop, "visibility-probe");
    private volatile boolean stopped;
    private volatile String lastError;

    VisibilityProbe(IngestClient client, LokiQueries queries, long intervalMillis) {
        this.client = client;
        this.queries = queries;
        this.intervalMillis = intervalMillis;
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (!stopped) {
            try {
                probeOnce();
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                lastError = e.toString();
            }
        }
    }

    private void probeOnce() throws Exception {
        long seq = stream.nextSeq();
        String text = "probe line " + seq;
        long tsNanos = System.currentTimeMillis() * 1_000_000L;
        byte[] body = ("{\"streams\":[{\"namespace\":\"" + stream.namespace + "\",\"pod\":\"" + stream.pod
                        + "\",\"podUID\":\"" + stream.podUID + "\",\"container\":\"" + stream.container
                        + "\",\"node\":\"" + stream.node + "\",\"stream\":\"stdout\",\"podLabels\":{\"app\":\"probe\"},"
                        + "\"lines\":[{\"ts\":\"" + tsNanos + "\",\"seq\":" + seq + ",\"line\":\"" + text + "\"}]}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        IngestClient.Ack ack = client.post(body);
        if (!ack.ok()) {
            lastError = "probe ingest: HTTP " + ack.status() + ": " + ack.error();
            return;
        }
        stream.advance(1);
        long deadline = t0 + 60_000_000_000L;
        while (!stopped && System.nanoTime() < deadline) {
            List<String> newest =
                    queries.lines(SELECTOR, tsNanos - 60_000_000_000L, tsNanos + 3_600_000_000_000L, 1, false);
            if (!newest.isEmpty() && newest.get(0).equals(text)) {
                samples.add(System.nanoTime() - t0);
                return;
            }
            Thread.sleep(2);
        }
        lastError = "probe line " + seq + " not visible within 60 s";
    }

    Percentiles percentiles() {
        return samples.percentiles();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
