package io.kubelite.bench.density;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Creates pods the way CL2's density test does — through the API server, as ReplicaSets of a
 * fixed size — at a steady rate: ReplicaSet {@code i} of {@code groupSize} replicas is POSTed at
 * {@code t0 + i * groupSize / rate}, so pods are asked for at {@code rate} per second. Each POST
 * is sent from a small pool, so a slow answer does not delay the next one; the client-side latency
 * of every POST is kept. Owns its pool.
 */
final class ReplicaSetLoad implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiServerConnection api;
    private final String namespace;
    private final ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "density-create");
        t.setDaemon(true);
        return t;
    });

    ReplicaSetLoad(ApiServerConnection api, String namespace) {
        this.api = api;
        this.namespace = namespace;
    }

    /**
     * Creates {@code pods} pods in ReplicaSets named {@code namePrefix + i} and returns once every
     * POST was answered; throws with the server's answer if one failed.
     *
     * @return the client-side latency of each POST, nanoseconds
     */
    long[] create(String namePrefix, int pods, int groupSize, double rate) throws Exception {
        int sets = (pods + groupSize - 1) / groupSize;
        long interval = (long) (groupSize * 1e9 / rate);
        long[] latency = new long[sets];
        List<Future<?>> sent = new ArrayList<>(sets);
        long t0 = System.nanoTime();
        long lastPrint = t0;
        for (int i = 0; i < sets; i++) {
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        "  %d/%d ReplicaSets sent, t=%.0f s, load %s%n",
                        i, sets, (lastPrint - t0) / 1e9, io.kubelite.bench.common.ProcStat.loadavg());
            }
            long wait = t0 + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = i;
            int replicas = Math.min(groupSize, pods - i * groupSize);
            String body = replicaSet(namePrefix + i, replicas);
            sent.add(pool.submit(() -> {
                long start = System.nanoTime();
                ApiServerConnection.Response r = api.send(
                        "POST", "/apis/apps/v1/namespaces/" + namespace + "/replicasets", "application/json", body);
                latency[index] = System.nanoTime() - start;
                if (!r.ok()) {
                    throw new IOException(
                            "creating ReplicaSet " + namePrefix + index + ": HTTP " + r.code() + " " + r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : sent) {
            try {
                f.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception c ? c : e;
            }
        }
        return latency;
    }

    /** CL2's density pods: a pause container with small requests, one ReplicaSet label each. */
    private String replicaSet(String name, int replicas) throws IOException {
        Map<String, String> labels = Map.of("app", "density", "group", name);
        Map<String, Object> container = Map.of(
                "name", "pause",
                "image", "registry.k8s.io/pause:3.10",
                "resources", Map.of("requests", Map.of("cpu", "10m", "memory", "10Mi")));
        return JSON.writeValueAsString(Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "ReplicaSet",
                "metadata",
                Map.of("name", name, "namespace", namespace, "labels", labels),
                "spec",
                Map.of(
                        "replicas", replicas,
                        "selector", Map.of("matchLabels", labels),
                        "template",
                                Map.of(
                                        "metadata", Map.of("labels", labels),
                                        "spec", Map.of("containers", List.of(container))))));
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
