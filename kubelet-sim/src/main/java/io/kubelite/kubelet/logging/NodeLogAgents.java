package io.kubelite.kubelet.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.kubelet.node.NodeEvents;
import io.kubelite.kubelet.runtime.ContainerLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node log agents of this process's nodes: one {@link NodeLogAgent} (and spool) per node,
 * sharing one shipping thread and one HTTP client. Every {@code flushInterval} each node with
 * unshipped lines sends its next batch to the log store's {@code POST /ingest}, at most one
 * request per node in flight, so each stream goes in sequence order (docs/logging.md). A
 * failed request is retried from the spool with back-off; an unreachable store is logged once
 * per outage. Delivery is at least once; the store's idempotence makes it exactly once.
 */
public final class NodeLogAgents implements LogCapture, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLogAgents.class);
    private static final int BATCH_LINES = 2000;
    private static final int BATCH_BYTES = 1 << 20;
    private static final long MIN_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** What the agents need to know. */
    public record Config(String storeAddress, Path spoolDir, long spoolBytes, Duration flushInterval) {}

    private final Config config;
    private final URI ingest;
    private final NodeEvents events;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, NodeLogAgent> agents = new ConcurrentHashMap<>();
    private final LogAgentMetrics metrics;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private ScheduledExecutorService shipper;
    /** Runs on {@link #shipper}: closing the executor ends its work (Java 17's client has no close). */
    private HttpClient http;

    private boolean closed;

    public NodeLogAgents(Config config, MeterRegistry registry, NodeEvents events) {
        this.config = config;
        this.ingest = URI.create("http://" + config.storeAddress() + "/ingest");
        this.events = events;
        this.metrics = new LogAgentMetrics(registry, this::spoolBytes);
    }

    /** Opens {@code node}'s spool (resuming what a previous process left unshipped). */
    public void addNode(String node) throws IOException {
        LogSpool spool = LogSpool.open(config.spoolDir().resolve(node), config.spoolBytes());
        agents.put(node, new NodeLogAgent(node, spool, config.spoolBytes(), metrics, events, json));
    }

    /** Starts shipping. */
    public synchronized void start() {
        if (shipper != null || closed) {
            return;
        }
        shipper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-agent");
            t.setDaemon(true);
            return t;
        });
        http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(shipper)
                .build();
        long every = Math.max(1, config.flushInterval().toMillis());
        shipper.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        LOG.info(
                "node log agents ship {} nodes' container logs to {} (spool {})",
                agents.size(),
                ingest,
                config.spoolDir());
    }

    @Override
    public void capture(LogSource source, ContainerLog log) {
        NodeLogAgent a = agents.get(source.node());
        if (a != null) {
            a.capture(source, log);
        }
    }

    private long spoolBytes() {
        long n = 0;
        for (NodeLogAgent a : agents.values()) {
            n += a.spool().bytes();
        }
        return n;
    }

    private void tick() {
        long now = System.nanoTime();
        for (NodeLogAgent a : agents.values()) {
            try {
                if (a.ready(now)) {
                    ship(a);
                }
            } catch (RuntimeException e) {
                // one node's broken spool must not stop the others' shipping
                LOG.warn("node {}: log shipping failed: {}", a.node(), e.toString());
                a.failed(now, MIN_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void ship(NodeLogAgent a) {
        LogSpool.Batch batch = a.spool().read(BATCH_LINES, BATCH_BYTES);
        if (batch.records().isEmpty()) {
            a.spool().failed();
            return;
        }
        IngestBody body = IngestBody.of(batch.records(), json);
        if (body.unreadable() > 0) {
            metrics.droppedRefused.increment(body.unreadable());
            LOG.warn("node {}: skipped {} unreadable records in the log spool", a.node(), body.unreadable());
        }
        if (body.lines() == 0) {
            a.spool().acknowledge(batch.end());
            return;
        }
        byte[] payload = body.payload();
        a.sending();
        int count = body.lines();
        HttpRequest request = HttpRequest.newBuilder(ingest)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
            try {
                completed(a, batch, count, resp, err);
            } catch (RuntimeException e) {
                LOG.warn("node {}: handling the log store's answer failed: {}", a.node(), e.toString());
                a.spool().failed();
                a.failed(System.nanoTime(), MIN_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
            }
        });
    }

    private void completed(NodeLogAgent a, LogSpool.Batch batch, int lines, HttpResponse<String> resp, Throwable err) {
        if (err == null && resp.statusCode() == 200) {
            a.spool().acknowledge(batch.end());
            a.stored();
            metrics.shipped.increment(lines);
            if (unreachable.compareAndSet(true, false)) {
                LOG.info("log store {} takes lines again", ingest);
            }
            return;
        }
        if (err == null && (resp.statusCode() == 400 || resp.statusCode() == 413)) {
            // the store will never take this batch: resending it would stop the node's shipping for good
            a.spool().acknowledge(batch.end());
            a.stored();
            metrics.droppedRefused.increment(lines);
            LOG.error(
                    "node {}: the log store refused {} lines ({}): {}; dropped",
                    a.node(),
                    lines,
                    resp.statusCode(),
                    firstLine(resp.body()));
            return;
        }
        a.spool().failed();
        a.failed(System.nanoTime(), MIN_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
        metrics.retried.increment(lines);
        if (unreachable.compareAndSet(false, true)) {
            String why = err != null ? err.toString() : "HTTP " + resp.statusCode() + ": " + firstLine(resp.body());
            LOG.warn(
                    "log store {} does not take lines ({}); they wait in the spool and are retried with back-off",
                    ingest,
                    why);
        }
    }

    private static String firstLine(String body) {
        String s = body == null ? "" : body.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Stops shipping and closes the spools; unshipped lines stay on disk for the next process. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shipper != null) {
            shipper.shutdownNow();
            try {
                shipper.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        agents.values().forEach(a -> a.spool().close());
    }
}
