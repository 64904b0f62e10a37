package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.logging.LogStoreProcess;
import io.kubelite.kubelet.logging.LokiQueries;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubelet-sim as a real OS process, SIGKILLed while the log store is away and its lines wait in
 * the spool: started again on the same spool directory, it ships them, each exactly once (the
 * container's program, replayed by the new process, writes them again at the same positions).
 */
class LogSpoolCrashProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Process launch(String prefix, String storeAddress, Path spool, Path log) throws Exception {
        List<String> args = List.of(
                "--etcd-endpoints=" + String.join(",", ETCD.cluster().endpoints()),
                "--etcd-prefix=" + prefix,
                "--nodes=1",
                "--node-name-prefix=spool-node-",
                "--pod-cidr-fallback=10.232.0.0/16",
                "--health-port=0",
                "--kubelet-port=0",
                "--log-store-address=" + storeAddress,
                "--log-spool-dir=" + spool,
                "--log-flush-interval=100ms");
        return ChildJvm.builder(List.of("-Xmx256m"), KubeletSimMain.class, args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Records in the node's spool segments. */
    private static long spooled(Path nodeSpool) {
        if (!Files.isDirectory(nodeSpool)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(nodeSpool)) {
            long n = 0;
            for (Path f : files.filter(f -> f.toString().endsWith(".spool")).toList()) {
                for (byte b : Files.readAllBytes(f)) {
                    n += b == '\n' ? 1 : 0;
                }
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Bytes after the spool's acknowledgement mark ({@code "segment offset"} in {@code acked}). */
    private static long unacknowledged(Path nodeSpool) {
        try {
            Path mark = nodeSpool.resolve("acked");
            String[] m = Files.exists(mark) ? Files.readString(mark).trim().split(" ") : new String[] {"0", "0"};
            long seg = Long.parseLong(m[0]);
            long off = Long.parseLong(m[1]);
            long n = 0;
            try (Stream<Path> files = Files.list(nodeSpool)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".spool")).toList()) {
                    String name = f.getFileName().toString();
                    long s = Long.parseLong(name.substring(0, name.indexOf('.')));
                    long size = Files.size(f);
                    n += s > seg ? size : s == seg ? size - off : 0;
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Test
    void linesSpooledBeforeAKillMinus9AreShippedAfterTheRestartExactlyOnce() throws Exception {
        String prefix = ETCD.newPrefix();
        Path spool = dir.resolve("spool");
        Path log = Files.createTempFile("kubelet-sim", ".log");
        Instant from = Instant.now().minusSeconds(60);
        Process first = null;
        Process second = null;
        try (LogStoreProcess store = new LogStoreProcess(
                        String.join(",", ETCD.cluster().endpoints()), FreePorts.next(), dir.resolve("store"));
                SimHarness h = new SimHarness(ETCD, prefix, null)) {
            // the store is not started yet: every line waits in the spool
            first = launch(prefix, store.address(), spool, log);
            Poll.until(T, "node spool-node-0 registered", () -> h.listNodes().size() == 1);
            h.create(pod(
                    "writer", "spool-node-0", "Always", sh("w", LogShippingTest.numbered(300, "") + "; sleep 6000")));
            h.awaitPhase("writer", "Running", T);
            Poll.until(
                    T,
                    "300 lines in the spool of spool-node-0",
                    () -> spooled(spool.resolve("spool-node-0")),
                    n -> n >= 300);

            first.destroyForcibly();
            assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
            Instant killedAt = Instant.now();

            store.start();
            second = launch(prefix, store.address(), spool, log);
            List<LokiQueries.StoredLine> lines = Poll.until(
                    T,
                    "300 lines of writer in the log store",
                    () -> store.query("{pod=\"writer\"}", from, Instant.now().plusSeconds(60)),
                    l -> l.size() >= 300);
            // the replayed program's lines are spooled and shipped too: wait until the store
            // acknowledged them (refused as duplicates), then nothing may be there twice
            Poll.until(
                    T,
                    "the replay spooled and everything acknowledged (records, unacknowledged bytes)",
                    () -> List.of(
                            spooled(spool.resolve("spool-node-0")), unacknowledged(spool.resolve("spool-node-0"))),
                    v -> v.get(0) > 300 && v.get(1) == 0);
            Poll.holds(Duration.ofSeconds(1), "no line stored twice", () -> {
                List<LokiQueries.StoredLine> now =
                        store.query("{pod=\"writer\"}", from, Instant.now().plusSeconds(60));
                Map<Integer, Integer> counts = LogShippingTest.counts(now);
                assertThat(counts).as("line numbers stored").hasSize(300);
                assertThat(counts.values()).as("each once").allMatch(c -> c == 1);
            });
            long killedNanos = killedAt.getEpochSecond() * 1_000_000_000L + killedAt.getNano();
            assertThat(lines)
                    .as("what is stored was written before the kill (shipped from the spool, not the replay)")
                    .allMatch(l -> l.tsNanos() < killedNanos);
            Files.deleteIfExists(log);
        } catch (AssertionError | RuntimeException e) {
            System.err.println(Files.readString(log));
            throw e;
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
