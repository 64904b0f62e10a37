package io.kubelite.dashboard.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.view.Quantities;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every node's usage from {@code metrics.k8s.io/v1beta1} through the API server every
 * {@code period} (metrics-server's answers change only that often; there is no watch). When the
 * API is absent or fails, {@link #available()} is false and the overview shows usage as
 * unavailable. Owns its thread.
 */
public final class NodeMetricsPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeMetricsPoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/apis/metrics.k8s.io/v1beta1/nodes";

    private final ApiServerConnection api;
    private final Duration period;
    private final AtomicLong generation = new AtomicLong();
    private volatile Map<String, NodeUsage> usage = Map.of();
    private volatile boolean available;
    private volatile String lastProblem = "";
    private ScheduledExecutorService timer;

    public NodeMetricsPoller(ApiServerConnection api, Duration period) {
        this.api = api;
        this.period = period;
    }

    public synchronized void start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dashboard-node-metrics");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Whether the last read answered. */
    public boolean available() {
        return available;
    }

    /** Usage by node name from the last successful read (empty when unavailable). */
    public Map<String, NodeUsage> usage() {
        return usage;
    }

    /** Rises when what {@link #usage()} or {@link #available()} say changes. */
    public long generation() {
        return generation.get();
    }

    private void poll() {
        try {
            ApiServerConnection.Response r = api.get(PATH);
            if (!r.ok()) {
                unavailable("HTTP " + r.code());
                return;
            }
            Map<String, NodeUsage> next = new HashMap<>();
            for (JsonNode item : JSON.readTree(r.body()).path("items")) {
                JsonNode u = item.path("usage");
                next.put(
                        item.path("metadata").path("name").asText(),
                        new NodeUsage(
                                Quantities.cpuMillis(u.path("cpu").asText("0")),
                                Quantities.bytes(u.path("memory").asText("0"))));
            }
            if (!available || !next.equals(usage)) {
                usage = Map.copyOf(next);
                if (!available) {
                    log.info("node metrics available from {}", PATH);
                }
                available = true;
                lastProblem = "";
                generation.incrementAndGet();
            }
        } catch (Exception e) {
            unavailable(e.toString());
        }
    }

    private void unavailable(String problem) {
        if (!problem.equals(lastProblem)) {
            log.info("node metrics unavailable from {}: {}", PATH, problem);
            lastProblem = problem;
        }
        if (available) {
            available = false;
            usage = Map.of();
            generation.incrementAndGet();
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
