package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.store.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while 64 clients write, restart, and check: every acknowledged write is there,
 * nothing unacknowledged was invented, the revision never goes back. 20 random kill
 * points over one growing data dir, with snapshots small enough to happen in between.
 */
class CrashSafetyTest {
    private static final int WRITERS = 64;
    private static final int ROUNDS = 20;

    @Test
    void acknowledgedWritesSurviveKillNine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> attempted = new ConcurrentHashMap<>();
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicLong maxAckedRev = new AtomicLong();
        Random random = new Random();
        int totalAcked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int port = FreePorts.next();
            try (LiteProcess lite = LiteProcess.start(data, port, "--snapshot-bytes", "262144");
                    Client client = Client.builder()
                            .endpoints("http://127.0.0.1:" + port)
                            .build()) {
                verify(client, attempted, acked, maxAckedRev.get(), round);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger ackedThisRound = new AtomicInteger();
                Thread[] writers = new Thread[WRITERS];
                for (int w = 0; w < WRITERS; w++) {
                    int id = w;
                    int r = round;
                    writers[w] = new Thread(
                            () -> {
                                for (int n = 0; !stop.get(); n++) {
                                    String key = "/crash/r" + r + "/w" + id + "/" + n;
                                    String value = "v" + r + "-" + id + "-" + n + "-" + "x".repeat(n % 200);
                                    attempted.put(key, value);
                                    try {
                                        long rev = client.getKVClient()
                                                .put(bs(key), bs(value))
                                                .get(5, TimeUnit.SECONDS)
                                                .getHeader()
                                                .getRevision();
                                        acked.put(key, value);
                                        maxAckedRev.accumulateAndGet(rev, Math::max);
                                        ackedThisRound.incrementAndGet();
                                    } catch (InterruptedException e) {
                                        return;
                                    } catch (Exception e) {
                                        // unacknowledged (killed, or slow on a loaded machine): this write may or may
                                        // not
                                        // have happened; go on with the next key until the round stops
                                    }
                                }
                            },
                            "writer-" + w);
                    writers[w].start();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                int target = 50 + random.nextInt(1500); // the random kill point, in acknowledged writes
                while (ackedThisRound.get() < target && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    Thread.sleep(1); // polling the write counter, not waiting for a state
                }
                lite.kill();
                stop.set(true);
                for (Thread t : writers) {
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
                assertThat(ackedThisRound.get())
                        .as("writes acknowledged in round " + round)
                        .isPositive();
                totalAcked += ackedThisRound.get();
            }
        }
        int port = FreePorts.next();
        try (LiteProcess lite = LiteProcess.start(data, port);
                Client client =
                        Client.builder().endpoints("http://127.0.0.1:" + port).build()) {
            verify(client, attempted, acked, maxAckedRev.get(), ROUNDS);
        }
        assertThat(totalAcked).isGreaterThan(ROUNDS * 50);
    }

    private static void verify(
            Client client, Map<String, String> attempted, Map<String, String> acked, long maxAckedRev, int round)
            throws Exception {
        GetResponse all = client.getKVClient()
                .get(bs("/crash/"), GetOption.builder().isPrefix(true).build())
                .get(30, TimeUnit.SECONDS);
        Map<String, String> present = new HashMap<>();
        for (KeyValue kv : all.getKvs()) {
            present.put(
                    kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, String> e : acked.entrySet()) {
            assertThat(present.get(e.getKey()))
                    .as("acknowledged write " + e.getKey() + " after restart " + round)
                    .isEqualTo(e.getValue());
        }
        for (Map.Entry<String, String> e : present.entrySet()) {
            assertThat(attempted.get(e.getKey()))
                    .as("stored key " + e.getKey() + " was written by a client")
                    .isEqualTo(e.getValue());
        }
        assertThat(all.getHeader().getRevision())
                .as("revision after restart " + round)
                .isGreaterThanOrEqualTo(maxAckedRev);
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
