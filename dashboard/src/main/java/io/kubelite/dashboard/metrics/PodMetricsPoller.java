package io.kubelite.dashboard.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.view.Quantities;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads pods' usage from {@code metrics.k8s.io/v1beta1} PodMetrics through the API server, only
 * while a page watches the pod: {@link #watch} polls every {@code period} with the watcher's own
 * credential (the signed-in user's, so the API server decides what they may read) until the
 * returned handle is closed. Samples go into the shared {@link PodMetricsHistory}; a watcher gets
 * the history once its own first read succeeded, then each new sample. Polls run on the poller's
 * two threads, never an event loop. Owns its threads.
 */
public final class PodMetricsPoller implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a watcher is told; called on a poller thread. */
    public interface Listener {
        /** The samples so far (oldest first), once, after the first successful read. */
        void history(List<PodMetricsSample> samples);

        void sample(PodMetricsSample sample);

        /** Why there is no reading now: {@code unavailable}, {@code pending} (no sample yet) or {@code refused}. */
        void problem(String kind, String message);
    }

    private final Duration period;
    private final PodMetricsHistory history;
    private final ScheduledExecutorService timer;

    public PodMetricsPoller(Duration period, Clock clock) {
        this.period = period;
        this.history = new PodMetricsHistory(clock);
        this.timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "dashboard-pod-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /** Polls pod {@code ns/name} with {@code api} until the handle is closed. */
    public AutoCloseable watch(ApiServerConnection api, String ns, String name, Listener listener) {
        Watcher w = new Watcher(api, ns, name, listener);
        ScheduledFuture<?> f = timer.scheduleWithFixedDelay(w::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(true);
    }

    private final class Watcher {
        private final ApiServerConnection api;
        private final String key;
        private final String path;
        private final Listener listener;
        private boolean sentHistory;
        private String lastProblem = "";

        Watcher(ApiServerConnection api, String ns, String name, Listener listener) {
            this.api = api;
            this.key = ns + "/" + name;
            this.path = "/apis/metrics.k8s.io/v1beta1/namespaces/" + enc(ns) + "/pods/" + enc(name);
            this.listener = listener;
        }

        void poll() {
            try {
                ApiServerConnection.Response r = api.get(path);
                if (r.ok()) {
                    PodMetricsSample s = parse(JSON.readTree(r.body()));
                    boolean fresh = history.record(key, s);
                    lastProblem = "";
                    if (!sentHistory) {
                        sentHistory = true;
                        listener.history(history.of(key));
                    } else if (fresh) {
                        listener.sample(s);
                    }
                    return;
                }
                JsonNode status = readOrEmpty(r.body());
                String message = status.path("message").asText("HTTP " + r.code());
                if (r.code() == 404
                        && status.path("details").path("group").asText().equals("metrics.k8s.io")) {
                    problem("pending", "no usage sample for this pod yet (metrics-server reads it while it runs)");
                } else if (r.code() == 404 || r.code() == 503) {
                    problem("unavailable", "metrics unavailable: " + message);
                } else {
                    problem("refused", message);
                }
            } catch (IOException | RuntimeException e) {
                problem("unavailable", "metrics unavailable: " + e.getMessage());
            }
        }

        private void problem(String kind, String message) {
            String p = kind + ":" + message;
            if (!p.equals(lastProblem)) {
                lastProblem = p;
                listener.problem(kind, message);
            }
        }
    }

    static PodMetricsSample parse(JsonNode podMetrics) {
        Map<String, PodMetricsSample.Usage> containers = new LinkedHashMap<>();
        for (JsonNode c : podMetrics.path("containers")) {
            JsonNode u = c.path("usage");
            containers.put(
                    c.path("name").asText(),
                    new PodMetricsSample.Usage(
                            Quantities.cpuMillis(u.path("cpu").asText("0")),
                            Quantities.bytes(u.path("memory").asText("0"))));
        }
        return new PodMetricsSample(podMetrics.path("timestamp").asText(""), Map.copyOf(containers));
    }

    private static JsonNode readOrEmpty(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
