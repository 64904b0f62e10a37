package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Event;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kubelet.logging.LogStoreProcess;
import io.kubelite.kubelet.logging.LokiQueries;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node log agents of an in-process kubelet-sim shipping to a real {@code kubelite log-store}
 * process: every line exactly once with its metadata, through a SIGKILL of the store, and the
 * spool's overflow counted and reported on the Node while the store is away.
 */
class LogShippingTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static KubeletSimOptions options(String storeAddress, Path spool, String spoolBytes) {
        return new KubeletSimOptions()
                .nodes(1)
                .nodeNamePrefix("log-node-")
                .podCidrFallback("10.231.0.0/16")
                .logStore(storeAddress, spool, spoolBytes, Duration.ofMillis(100));
    }

    /** How often each numbered line {@code "line N"} was stored. */
    static Map<Integer, Integer> counts(List<LokiQueries.StoredLine> lines) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (LokiQueries.StoredLine l : lines) {
            counts.merge(Integer.parseInt(l.line().substring("line ".length())), 1, Integer::sum);
        }
        return counts;
    }

    static String numbered(int n, String sleep) {
        return "i=1; while [ $i -le " + n + " ]; do echo \"line $i\"; i=$((i+1)); " + sleep + "done";
    }

    @Test
    void everyLineArrivesExactlyOnceWithItsMetadata() throws Exception {
        Instant from = Instant.now().minusSeconds(60);
        try (LogStoreProcess store = new LogStoreProcess(
                        String.join(",", ETCD.cluster().endpoints()), FreePorts.next(), dir.resolve("store"));
                SimHarness h = startStore(store, options(null, dir.resolve("spool"), "64Mi"))) {
            Pod.Builder p = pod("counter", "log-node-0", "Never", sh("count", numbered(500, "")));
            p.getMetadataBuilder().putLabels("app", "counter").putLabels("app.kubernetes.io/part-of", "demo");
            Pod created = h.create(p);
            h.awaitPhase("counter", "Succeeded", T);

            List<LokiQueries.StoredLine> lines = Poll.until(
                    T,
                    "500 lines of counter in the log store",
                    () -> store.query("{pod=\"counter\"}", from, Instant.now().plusSeconds(60)),
                    l -> l.size() >= 500);
            Map<Integer, Integer> counts = counts(lines);
            assertThat(counts).as("line numbers stored").hasSize(500);
            assertThat(counts.values()).as("no line stored twice").allMatch(c -> c == 1);
            LokiQueries.StoredLine first = lines.get(0);
            assertThat(first.line()).isEqualTo("line 1");
            assertThat(first.labels().get("namespace").asText()).isEqualTo("default");
            assertThat(first.labels().get("container").asText()).isEqualTo("count");
            assertThat(first.labels().get("node").asText()).isEqualTo("log-node-0");
            assertThat(first.labels().get("stream").asText()).isEqualTo("stdout");
            assertThat(first.labels().get("app").asText()).isEqualTo("counter");
            assertThat(first.labels().get("app_kubernetes_io_part_of").asText()).isEqualTo("demo");
            assertThat(created.getMetadata().getUid()).isNotEmpty();
            // the agent counts a batch once the store's answer is handled, which can come after
            // its lines are already queryable
            Poll.until(
                    T,
                    "kubelite_log_agent_shipped_lines at 500",
                    () -> h.sim.meterRegistry()
                            .get("kubelite_log_agent_shipped_lines")
                            .counter()
                            .count(),
                    shipped -> shipped == 500.0);
        }
    }

    @Test
    void aRestartedContainersLinesAreANewInstanceNotDuplicates() throws Exception {
        Instant from = Instant.now().minusSeconds(60);
        try (LogStoreProcess store = new LogStoreProcess(
                        String.join(",", ETCD.cluster().endpoints()), FreePorts.next(), dir.resolve("store"));
                SimHarness h = startStore(
                        store, options(null, dir.resolve("spool"), "64Mi").timeScale(20))) {
            // each instance writes the same three lines and fails: restarted with back-off
            h.create(pod("crasher", "log-node-0", "Always", sh("crash", numbered(3, "") + "; exit 1")));
            h.await(
                    "crasher",
                    T,
                    "restarted twice",
                    p -> SimHarness.status(p, "crash").getRestartCount() >= 2);
            List<LokiQueries.StoredLine> lines = Poll.until(
                    T,
                    "three instances' lines of crasher in the log store",
                    () -> store.query("{pod=\"crasher\"}", from, Instant.now().plusSeconds(60)),
                    l -> l.size() >= 9);
            Map<Integer, Integer> counts = counts(lines);
            assertThat(counts.keySet()).containsExactly(1, 2, 3);
            // at least three instances' lines each (a fourth may be on its way): none taken for a duplicate
            assertThat(counts.values()).as("stored per line: %s", counts).allMatch(c -> c >= 3);
        }
    }

    @Test
    void aStoreKilledMidStreamLosesAndDuplicatesNothing() throws Exception {
        Instant from = Instant.now().minusSeconds(60);
        try (LogStoreProcess store = new LogStoreProcess(
                        String.join(",", ETCD.cluster().endpoints()), FreePorts.next(), dir.resolve("store"));
                SimHarness h = startStore(store, options(null, dir.resolve("spool"), "64Mi"))) {
            h.create(pod("ticker", "log-node-0", "Never", sh("tick", numbered(400, "sleep 0.02; "))));
            Poll.until(
                    T,
                    "the first 50 lines stored",
                    () -> store.query("{pod=\"ticker\"}", from, Instant.now().plusSeconds(60)),
                    l -> l.size() >= 50);
            store.kill(); // SIGKILL while the pod goes on writing and the agent shipping
            int storedAtKill = -1;
            store.start();
            storedAtKill = store.query("{pod=\"ticker\"}", from, Instant.now().plusSeconds(60))
                    .size();
            List<LokiQueries.StoredLine> lines = Poll.until(
                    T,
                    "all 400 lines of ticker after the store's restart",
                    () -> store.query("{pod=\"ticker\"}", from, Instant.now().plusSeconds(60)),
                    l -> l.size() >= 400);
            Map<Integer, Integer> counts = counts(lines);
            assertThat(counts)
                    .as("line numbers stored (%d stored right after the restart)", storedAtKill)
                    .hasSize(400);
            assertThat(counts.values()).as("no line stored twice").allMatch(c -> c == 1);
            assertThat(storedAtKill).as("the kill happened mid-stream").isLessThan(400);
        }
    }

    @Test
    void spoolOverflowIsCountedAndReportedOnceOnTheNode() throws Exception {
        // nothing listens there: the store is away for the whole test
        String away = "127.0.0.1:" + FreePorts.next();
        KubeletSimOptions o = options(away, dir.resolve("spool"), "4Ki").eventQps(50);
        try (SimHarness h = new SimHarness(ETCD, o)) {
            h.create(pod("chatty", "log-node-0", "Never", sh("talk", numbered(500, ""))));
            h.awaitPhase("chatty", "Succeeded", T);
            double dropped = Poll.until(
                    T,
                    "lines dropped from the 4Ki spool",
                    () -> h.sim.meterRegistry()
                            .get("kubelite_log_agent_dropped_lines")
                            .tag("reason", "spool_overflow")
                            .counter()
                            .count(),
                    d -> d > 0);
            assertThat(dropped).as("not every line is dropped").isLessThan(500.0);
            assertThat(h.sim.meterRegistry()
                            .get("kubelite_log_agent_spool_bytes")
                            .gauge()
                            .value())
                    .isBetween(1.0, 4096.0 + 1024.0);
            List<Event> overflow =
                    Poll.until(
                            T,
                            "a LogSpoolOverflow Warning on Node log-node-0",
                            () -> h
                                    .store
                                    .of(EventKind.RESOURCE)
                                    .list(ListOptions.inNamespace("default"))
                                    .join()
                                    .items()
                                    .stream()
                                    .filter(e -> e.getReason().equals("LogSpoolOverflow"))
                                    .toList(),
                            l -> !l.isEmpty());
            Event e = overflow.get(0);
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("log-node-0");
            assertThat(overflow).as("one report per outage").hasSize(1);
        }
    }

    /** The store first, then a kubelet-sim shipping to it. */
    private SimHarness startStore(LogStoreProcess store, KubeletSimOptions o) throws Exception {
        store.start();
        return new SimHarness(
                ETCD, o.logStore(store.address(), o.logSpoolDir(), o.logSpoolBytes, Duration.ofMillis(100)));
    }
}
