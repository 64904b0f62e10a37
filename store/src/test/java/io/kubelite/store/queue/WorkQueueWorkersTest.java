package io.kubelite.store.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.backoff.ExponentialBackoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queue semantics with the queue's own worker threads. */
class WorkQueueWorkersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private WorkQueue<String> queue;

    private WorkQueue<String> queue(String name, ExponentialBackoff backoff) {
        queue = WorkQueue.builder(name).backoff(backoff).build();
        return queue;
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void thousandAddsOfAWaitingKeyYieldOneReconcile() throws Exception {
        WorkQueue<String> q = queue("dedup", ExponentialBackoff.defaults());
        for (int i = 0; i < 1000; i++) {
            q.add("a");
        }
        q.add("sentinel");
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        // one worker hands keys out in order, so once the sentinel is seen every
        // queued copy of "a" would have been reconciled before it
        q.start(1, key -> {
            calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return Result.done();
        });
        Await.until(DEADLINE, () -> calls.containsKey("sentinel"), () -> "sentinel reconciled");
        assertThat(calls.get("a")).hasValue(1);
    }

    @Test
    void aKeyIsNeverReconciledConcurrentlyAndTheLastAddIsAlwaysSeen() throws Exception {
        int keyCount = 16;
        int adders = 8;
        int addsPerAdder = 3000;
        List<String> keys = new ArrayList<>();
        Map<String, AtomicLong> version = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        for (int i = 0; i < keyCount; i++) {
            String key = "key-" + i;
            keys.add(key);
            version.put(key, new AtomicLong());
            active.put(key, new AtomicInteger());
        }
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger reconciles = new AtomicInteger();

        WorkQueue<String> q = queue("stress", new ExponentialBackoff(Duration.ofMillis(1), Duration.ofMillis(20)));
        q.start(8, key -> {
            if (active.get(key).incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                // read the version first: an add after this point must cause another reconcile
                long v = version.get(key).get();
                // widen the window in which a second worker could wrongly enter
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
                if (reconciles.incrementAndGet() % 37 == 0) {
                    throw new IllegalStateException("injected failure"); // exercises the retry path too
                }
                seen.merge(key, v, Math::max);
                return Result.done();
            } finally {
                active.get(key).decrementAndGet();
            }
        });

        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < adders; a++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int i = 0; i < addsPerAdder; i++) {
                            String key = keys.get(rnd.nextInt(keyCount));
                            version.get(key).incrementAndGet();
                            q.add(key);
                            if (i % 100 == 0) {
                                Thread.yield();
                            }
                        }
                    },
                    "adder-" + a);
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis());
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }

        Await.until(
                DEADLINE,
                () -> keys.stream()
                        .allMatch(
                                k -> seen.getOrDefault(k, -1L) == version.get(k).get()),
                () -> "every key reconciled at its last version; behind: "
                        + keys.stream()
                                .filter(k -> seen.getOrDefault(k, -1L)
                                        != version.get(k).get())
                                .map(k -> k + " saw " + seen.get(k) + " of " + version.get(k))
                                .toList());
        assertThat(overlaps).as("reconciles of one key running at once").hasValue(0);
        assertThat(reconciles.get()).as("some reconciles happened").isGreaterThanOrEqualTo(keyCount);
    }

    @Test
    void failuresBackOffExponentiallyAndSuccessForgets() throws Exception {
        List<Long> starts = new CopyOnWriteArrayList<>();
        WorkQueue<String> q = queue("backoff", new ExponentialBackoff(Duration.ofMillis(50), Duration.ofSeconds(10)));
        q.start(2, key -> {
            starts.add(System.nanoTime());
            if (starts.size() <= 4) {
                throw new IOException("etcd unavailable (injected)");
            }
            return Result.done();
        });
        q.add("k");
        Await.until(DEADLINE, () -> starts.size() == 5, () -> starts.size() + " of 5 attempts");
        long[] minimumMillis = {50, 100, 200, 400};
        for (int i = 0; i < minimumMillis.length; i++) {
            Duration gap = Duration.ofNanos(starts.get(i + 1) - starts.get(i));
            assertThat(gap)
                    .as("gap before retry %d", i + 1)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(minimumMillis[i]));
        }
        assertThat(q.retries()).isEqualTo(4);
        Await.until(DEADLINE, () -> q.numRequeues("k") == 0, () -> "back-off forgotten after success");
    }

    @Test
    void requeueAfterIsHonouredAndResetsTheBackOff() throws Exception {
        List<Long> starts = new CopyOnWriteArrayList<>();
        List<Integer> requeuesSeen = new CopyOnWriteArrayList<>();
        WorkQueue<String> q = queue("after", new ExponentialBackoff(Duration.ofMillis(10), Duration.ofSeconds(1)));
        q.start(2, key -> {
            starts.add(System.nanoTime());
            requeuesSeen.add(queue.numRequeues(key));
            return switch (starts.size()) {
                case 1 -> throw new IllegalStateException("injected");
                case 2 -> Result.requeueAfter(Duration.ofMillis(300));
                default -> Result.done();
            };
        });
        q.add("k");
        // wait on the list written last in the reconcile, so all three calls are fully recorded
        Await.until(DEADLINE, () -> requeuesSeen.size() == 3, () -> requeuesSeen.size() + " of 3 calls");
        Duration gap = Duration.ofNanos(starts.get(2) - starts.get(1));
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(2500));
        assertThat(requeuesSeen).containsExactly(0, 1, 0);
    }

    @Test
    void aThrowingReconcileDoesNotKillItsWorker() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        WorkQueue<String> q = queue("throws", new ExponentialBackoff(Duration.ofMillis(5), Duration.ofMillis(50)));
        q.start(1, key -> {
            int n = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return switch (key) {
                case "unchecked" -> n < 3 ? failUnchecked() : Result.done();
                case "checked" -> n < 2 ? failChecked() : Result.done();
                case "null" -> n < 2 ? null : Result.done();
                default -> Result.done();
            };
        });
        q.add("unchecked");
        q.add("checked");
        q.add("null");
        Await.until(DEADLINE, () -> calls.containsKey("unchecked") && calls.containsKey("null"), () -> "first calls");
        q.add("healthy");
        Await.until(DEADLINE, () -> calls.containsKey("healthy"), () -> "the only worker still serves keys");
        Await.until(
                DEADLINE,
                () -> count(calls, "unchecked") == 3 && count(calls, "checked") == 2 && count(calls, "null") == 2,
                () -> "failed keys retried until done: " + calls);
        assertThat(Await.liveThreads("throws-worker-")).isEqualTo(1);
    }

    private static int count(Map<String, AtomicInteger> calls, String key) {
        AtomicInteger c = calls.get(key);
        return c == null ? 0 : c.get();
    }

    private static Result failUnchecked() {
        throw new IllegalArgumentException("bad spec (injected)");
    }

    private static Result failChecked() throws IOException {
        throw new IOException("conflict (injected)");
    }

    @Test
    void workersAreNamedAfterTheQueue() {
        WorkQueue<String> q = queue("named", ExponentialBackoff.defaults());
        q.start(3, key -> Result.done());
        assertThat(Await.liveThreads("named-worker-")).isEqualTo(3);
        assertThat(Await.liveThreads("named-delays")).isEqualTo(1);
        assertThat(q.state()).isEqualTo(WorkQueue.State.STARTED);
    }
}
