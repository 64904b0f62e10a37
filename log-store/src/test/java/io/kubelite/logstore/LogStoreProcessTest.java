package io.kubelite.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.logstore.ingest.IngestRequest;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.runtime.mirror.ProcessMirrorPod;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubelite log-store} as its own OS process (on a real etcd, which it joins for its mirror
 * pod): SIGKILLed while an agent is shipping, then restarted on the same data directory, it has
 * every acknowledged line exactly once, and a full resend stores nothing twice.
 */
class LogStoreProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(60);
    static final int BATCH = 100;

    @TempDir
    Path dataDir;

    final List<Process> processes = new ArrayList<>();
    final List<Path> logs = new ArrayList<>();

    record Running(Process process, LokiClient client, int healthPort) {}

    /** Starts the process; with {@code id} it publishes its mirror pod under that identity. */
    Running start(String prefix, String id) throws Exception {
        int port = FreePorts.next();
        int healthPort = FreePorts.next();
        Path log = Files.createTempFile("log-store", ".log");
        logs.add(log);
        Process p = ChildJvm.builder(
                        List.of("-Xmx256m"),
                        LogStoreMain.class,
                        List.of(
                                "--etcd-endpoints="
                                        + String.join(",", ETCD.cluster().endpoints()),
                                "--etcd-prefix=" + prefix,
                                "--data-dir=" + dataDir,
                                "--port=" + port,
                                "--health-port=" + healthPort,
                                id == null ? "--mirror-pod=false" : "--id=" + id))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        processes.add(p);
        LokiClient client = new LokiClient(port);
        Poll.until(
                T, "log-store answers /ready (process log " + log + ")", () -> status(client, "/ready"), s -> s == 200);
        return new Running(p, client, healthPort);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyAcknowledgedLineSurvivesKillMinus9ExactlyOnce() throws Exception {
        String prefix = ETCD.newPrefix();
        Instant from = Instant.now().minusSeconds(60);
        Running first = start(prefix, null);

        AtomicLong acked = new AtomicLong(-1);
        AtomicLong sent = new AtomicLong(0);
        AtomicReference<Exception> senderStopped = new AtomicReference<>();
        Thread sender = new Thread(
                () -> {
                    try {
                        for (long next = 1; ; next += BATCH) {
                            sent.set(next + BATCH - 1);
                            LokiClient.Reply r = first.client().ingest(batch(next, next + BATCH - 1));
                            if (r.status() != 200) {
                                throw new IllegalStateException("ingest answered " + r.status() + ": " + r.body());
                            }
                            acked.set(r.json().at("/streams/0/storedSeq").asLong());
                        }
                    } catch (Exception e) {
                        senderStopped.set(e);
                    }
                },
                "agent");
        sender.start();
        Poll.until(T, "ten batches acknowledged", acked::get, a -> a >= 10 * BATCH);
        first.process().destroyForcibly(); // SIGKILL while the agent keeps sending
        assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        sender.join(30_000);
        assertThat(senderStopped.get())
                .as("the agent's requests fail once the store is gone")
                .isNotNull();
        long ackedBeforeKill = acked.get();
        long lastSent = sent.get();

        Running second = start(prefix, "log-store-test");
        Map<Long, Integer> counts = seqCounts(second.client(), from);
        for (long s = 1; s <= ackedBeforeKill; s++) {
            assertThat(counts.getOrDefault(s, 0))
                    .as("acknowledged seq %d (acked up to %d, sent up to %d)", s, ackedBeforeKill, lastSent)
                    .isEqualTo(1);
        }
        assertThat(counts.values()).as("no line stored twice").allMatch(c -> c == 1);
        long stored = counts.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(stored).isBetween(ackedBeforeKill, lastSent);

        // the agent restarts from scratch and resends everything: nothing is stored twice
        LokiClient.Reply resend = second.client().ingest(batch(1, lastSent));
        assertThat(resend.status()).as(resend.body()).isEqualTo(200);
        JsonNode ack = resend.json().at("/streams/0");
        assertThat(ack.get("storedSeq").asLong()).isEqualTo(lastSent);
        assertThat(ack.get("duplicates").asLong()).isEqualTo(stored);
        Map<Long, Integer> after = seqCounts(second.client(), from);
        assertThat(after).hasSize((int) lastSent);
        assertThat(after.values()).allMatch(c -> c == 1);

        String metrics = new LokiClient(second.healthPort()).get("/metrics").body();
        assertThat(metrics).contains("kubelite_logstore_lines_ingested_total " + (double) (lastSent - stored));
        assertThat(metrics).contains("kubelite_logstore_duplicate_lines_total " + (double) stored);
        assertThat(metrics).contains("kubelite_logstore_bytes_on_disk");
        assertThat(metrics).contains("kubelite_logstore_query_duration_seconds_bucket");
        // like every kubelite process, it shows itself as a mirror pod in kube-system
        ObjectStore<Pod> pods = new Store(ETCD.connect(prefix)).of(PodKind.RESOURCE);
        String podName = ProcessMirrorPod.podName("log-store", "log-store-test");
        Pod mirror = Poll.until(
                T,
                "mirror pod kube-system/" + podName + " labelled k8s-app=log-store",
                () -> {
                    try {
                        return pods.get("kube-system", podName).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                p -> "log-store".equals(p.getMetadata().getLabelsMap().get("k8s-app")));
        assertThat(mirror.getSpec().getContainersList()).isNotEmpty();
        for (Path log : logs) {
            Files.deleteIfExists(log); // kept only when the test failed: their paths are in the messages
        }
    }

    private static IngestRequest batch(long from, long to) {
        List<IngestRequest.Line> lines = new ArrayList<>();
        long now = Batches.nanos(Instant.now());
        for (long s = from; s <= to; s++) {
            lines.add(new IngestRequest.Line(Long.toString(now + s), s, "seq " + s + " " + "x".repeat(150)));
        }
        return new IngestRequest(List.of(Batches.stream("shop", "web-0", "web", "web", "stdout", lines)));
    }

    private static Map<Long, Integer> seqCounts(LokiClient client, Instant from) throws Exception {
        LokiClient.Reply r = client.get(
                "/loki/api/v1/query_range",
                "query",
                "{app=\"web\"}",
                "start",
                from.toString(),
                "end",
                Instant.now().plusSeconds(600).toString(),
                "direction",
                "forward",
                "limit",
                "5000");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<Long, Integer> counts = new HashMap<>();
        for (String line : LokiClient.lines(r)) {
            counts.merge(Long.parseLong(line.split(" ")[1]), 1, Integer::sum);
        }
        assertThat(counts.size())
                .as("the test keeps under the 5000 lines a query may return")
                .isLessThan(5000);
        return counts;
    }

    private static int status(LokiClient client, String path) {
        try {
            return client.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
