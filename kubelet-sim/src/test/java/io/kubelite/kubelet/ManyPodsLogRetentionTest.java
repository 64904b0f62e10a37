package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Pod;
import io.kubelite.kubelet.logging.LokiQueries;
import io.kubelite.logstore.LogStore;
import io.kubelite.logstore.LogStoreConfig;
import io.kubelite.logstore.http.LogStoreServer;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #18's "10,000 pods' logs searchable after all pods are deleted": 10,000 pods on 100
 * simulated nodes each write one line, the nodes' log agents ship them to a log store (in
 * process, its real HTTP API on 127.0.0.1), every pod is deleted and forgotten by kubelet-sim,
 * and the store still answers for each pod exactly once, by label and by text.
 */
class ManyPodsLogRetentionTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final int NODES = 100;
    static final int PODS = 10_000;
    static final Duration T = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    static String name(int i) {
        return String.format("logpod-%05d", i);
    }

    static String line(String pod) {
        return "hello from " + pod;
    }

    @Test
    void everyDeletedPodsLineIsStoredOnceAndFound() throws Exception {
        long t0 = System.nanoTime();
        Instant from = Instant.now().minusSeconds(60);
        LogStore store = new LogStore(
                new LogStoreConfig(dir.resolve("store"), Duration.ofHours(24), Duration.ZERO, 0),
                Clock.systemUTC(),
                new SimpleMeterRegistry());
        store.start();
        try (store;
                LogStoreServer server = new LogStoreServer("127.0.0.1", 0, store, Clock.systemUTC())) {
            server.start();
            KubeletSimOptions o = new KubeletSimOptions()
                    .nodes(NODES)
                    .nodeNamePrefix("many-")
                    .podCidrFallback("10.232.0.0/16")
                    .eventQps(0) // the pods' Events are not what this is about; 30,000 of them would be
                    .logStore("127.0.0.1:" + server.port(), dir.resolve("spool"), "64Mi", Duration.ofMillis(200));
            try (SimHarness h = new SimHarness(ETCD, o)) {
                long started = System.nanoTime();
                pipelined(
                        PODS,
                        i -> h.pods.create(pod(
                                        name(i), "many-" + (i % NODES), "Never", sh("say", "echo " + line(name(i))))
                                .build()));
                long created = System.nanoTime();

                double shipped = Poll.until(
                        T,
                        PODS + " lines acknowledged by the log store",
                        () -> h.sim.meterRegistry()
                                .get("kubelite_log_agent_shipped_lines")
                                .counter()
                                .count(),
                        n -> n >= PODS);
                assertThat(shipped).as("lines shipped").isEqualTo((double) PODS);
                Poll.until(
                        T,
                        "all " + PODS + " pods Succeeded",
                        () -> phases(h),
                        m -> m.getOrDefault("Succeeded", 0) == PODS);
                long ran = System.nanoTime();

                // what the API server does on DELETE of a bound pod: deletionTimestamp and grace period
                pipelined(
                        PODS,
                        i -> h.pods.guaranteedUpdate(
                                "default",
                                name(i),
                                p -> p.toBuilder()
                                        .setMetadata(p.getMetadata().toBuilder()
                                                .setDeletionTimestamp(
                                                        Timestamps.fromMillis(System.currentTimeMillis() + 30_000))
                                                .setDeletionGracePeriodSeconds(30))
                                        .build()));
                Poll.until(T, "kubelet-sim forgot every pod", () -> h.sim.podCount(), n -> n == 0);
                Poll.until(
                        T,
                        "no pod left in etcd",
                        () -> h.pods.list(ListOptions.all()).join().items().size(),
                        n -> n == 0);
                long deleted = System.nanoTime();

                LokiQueries loki = new LokiQueries("127.0.0.1:" + server.port());
                Instant to = Instant.now().plusSeconds(60);
                List<JsonNode> series = loki.series("{pod=~\"logpod-.*\"}", from, to);
                assertThat(series).as("one stream per pod").hasSize(PODS);

                // query_range answers at most 5,000 lines: ask a thousand pods at a time
                Map<String, Integer> perPod = new HashMap<>();
                List<String> wrong = new ArrayList<>();
                for (int k = 0; k < PODS / 1000; k++) {
                    for (LokiQueries.StoredLine l :
                            loki.query("{namespace=\"default\", pod=~\"logpod-0" + k + "\\\\d{3}\"}", from, to)) {
                        String pod = l.labels().get("pod").asText();
                        perPod.merge(pod, 1, Integer::sum);
                        if (!l.line().equals(line(pod))) {
                            wrong.add(pod + ": " + l.line());
                        }
                    }
                }
                assertThat(perPod).as("pods with lines in the store").hasSize(PODS);
                assertThat(perPod.entrySet())
                        .as("pods whose line was stored more than once")
                        .filteredOn(e -> e.getValue() != 1)
                        .isEmpty();
                assertThat(wrong).as("lines under the wrong pod").isEmpty();

                List<LokiQueries.StoredLine> found =
                        loki.query("{namespace=\"default\"} |= \"hello from logpod-04242\"", from, to);
                assertThat(found).hasSize(1);
                assertThat(found.get(0).labels().get("pod").asText()).isEqualTo("logpod-04242");
                assertThat(found.get(0).labels().get("node").asText()).isEqualTo("many-42");
                long done = System.nanoTime();
                System.out.printf(
                        "ManyPodsLogRetentionTest: %d pods on %d nodes: created in %.1f s, ran and shipped %.1f s"
                                + " later, deleted and forgotten in %.1f s, checked in %.1f s; %.1f s in all%n",
                        PODS,
                        NODES,
                        (created - started) / 1e9,
                        (ran - created) / 1e9,
                        (deleted - ran) / 1e9,
                        (done - deleted) / 1e9,
                        (done - t0) / 1e9);
            }
        }
    }

    /** Pod phases and how many pods are in each. */
    private static Map<String, Integer> phases(SimHarness h) {
        Map<String, Integer> m = new HashMap<>();
        for (Pod p : h.pods.list(ListOptions.all()).join().items()) {
            m.merge(p.getStatus().getPhase(), 1, Integer::sum);
        }
        return m;
    }

    /** Runs {@code n} asynchronous writes with at most 64 in flight (etcd pipelines them) and waits for all. */
    private static void pipelined(int n, IntFunction<CompletableFuture<?>> write) throws InterruptedException {
        Semaphore permits = new Semaphore(64);
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            permits.acquire();
            all.add(write.apply(i).whenComplete((v, e) -> permits.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }
}
