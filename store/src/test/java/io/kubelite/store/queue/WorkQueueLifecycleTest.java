package io.kubelite.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** LATENT → STARTED → CLOSED, and what close does to threads, keys and in-flight work. */
class WorkQueueLifecycleTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void closeStopsEveryThreadAndIsIdempotent() throws Exception {
        Set<String> reconciled = ConcurrentHashMap.newKeySet();
        WorkQueue<String> q = WorkQueue.builder("stop").build();
        q.start(4, key -> {
            reconciled.add(key);
            return Result.done();
        });
        q.add("a");
        q.add("b");
        q.addAfter("later", Duration.ofMinutes(5));
        Await.until(DEADLINE, () -> reconciled.containsAll(Set.of("a", "b")), () -> "reconciled " + reconciled);
        assertThat(Await.liveThreads("stop-")).isEqualTo(5);

        q.close();
        assertThat(q.state()).isEqualTo(WorkQueue.State.CLOSED);
        assertThat(Await.liveThreads("stop-")).as("close joins its threads").isZero();
        assertThat(q.delayed()).as("delayed keys dropped").isZero();

        q.close();
        assertThat(q.state()).isEqualTo(WorkQueue.State.CLOSED);
    }

    @Test
    void addsAfterCloseAreIgnored() throws Exception {
        WorkQueue<String> q = WorkQueue.builder("ignored").build();
        q.start();
        q.add("before");
        q.close();
        long adds = q.adds();
        long retries = q.retries();

        q.add("a");
        q.addAfter("b", Duration.ofMillis(1));
        q.addRateLimited("c");

        assertThat(q.len()).isZero();
        assertThat(q.delayed()).isZero();
        assertThat(q.adds()).isEqualTo(adds);
        assertThat(q.retries()).isEqualTo(retries);
        assertThat(q.numRequeues("c")).isZero();
        assertThat(q.get(Duration.ofSeconds(5)))
                .as("get on a closed queue returns at once")
                .isNull();
        assertThatThrownBy(q::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeLetsAnInFlightReconcileFinishAndDropsWaitingKeys() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        Set<String> reconciled = ConcurrentHashMap.newKeySet();
        WorkQueue<String> q = WorkQueue.builder("drain").closeTimeout(DEADLINE).build();
        q.start(1, key -> {
            reconciled.add(key);
            if (key.equals("slow")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
                finished.set(true);
                return Result.requeue(); // must be dropped: the queue is closed by then
            }
            return Result.done();
        });
        q.add("slow");
        Await.until(DEADLINE, () -> q.inFlight() == 1, () -> "slow in flight");
        q.add("waiting");
        assertThat(q.len()).isEqualTo(1);

        Thread closer = new Thread(q::close, "closer");
        closer.start();
        Await.until(DEADLINE, () -> q.state() == WorkQueue.State.CLOSED, () -> "close began");
        assertThat(closer.isAlive())
                .as("close waits for the reconcile in flight")
                .isTrue();
        assertThat(q.inFlight()).isEqualTo(1);

        release.countDown();
        closer.join(DEADLINE.toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(reconciled).doesNotContain("waiting");
        assertThat(q.len()).isZero();
        assertThat(q.delayed()).isZero();
        assertThat(Await.liveThreads("drain-")).isZero();
    }

    @Test
    void closeWaitIsBoundedAndInterruptsAStuckReconcile() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        WorkQueue<String> q =
                WorkQueue.builder("stuck").closeTimeout(Duration.ofMillis(200)).build();
        q.start(2, key -> {
            try {
                TimeUnit.MINUTES.sleep(5);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return Result.done();
        });
        q.add("k");
        Await.until(DEADLINE, () -> q.inFlight() == 1, () -> "k in flight");

        long t0 = System.nanoTime();
        q.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(5));
        assertThat(interrupted).isTrue();
        assertThat(Await.liveThreads("stuck-")).isZero();
        assertThat(q.inFlight()).isZero();
    }

    @Test
    void closeFromInsideAReconcileDoesNotDeadlock() throws Exception {
        AtomicReference<WorkQueue<String>> self = new AtomicReference<>();
        WorkQueue<String> q = WorkQueue.builder("selfclose").build();
        self.set(q);
        q.start(2, key -> {
            self.get().close();
            return Result.done();
        });
        q.add("k");
        Await.until(DEADLINE, () -> Await.liveThreads("selfclose-") == 0, () -> "all threads ended");
        assertThat(q.state()).isEqualTo(WorkQueue.State.CLOSED);
    }

    @Test
    void aLatentQueueBuffersAddsAndClosesWithoutThreads() throws Exception {
        WorkQueue<String> q = WorkQueue.builder("latent").build();
        assertThat(q.state()).isEqualTo(WorkQueue.State.LATENT);
        q.add("a");
        q.addAfter("b", Duration.ofMillis(1));
        assertThat(q.len()).isEqualTo(1);
        assertThat(q.delayed()).isEqualTo(1);
        assertThat(Await.liveThreads("latent-")).isZero();

        q.close();
        assertThat(q.state()).isEqualTo(WorkQueue.State.CLOSED);
        assertThat(q.len()).isZero();
    }

    @Test
    void keysAddedWhileLatentAreReconciledOnStartIncludingDelayedOnes() throws Exception {
        Set<String> reconciled = ConcurrentHashMap.newKeySet();
        try (WorkQueue<String> q = WorkQueue.builder("early").build()) {
            q.add("a");
            q.addAfter("b", Duration.ofMillis(1));
            q.start(1, key -> {
                reconciled.add(key);
                return Result.done();
            });
            Await.until(DEADLINE, () -> reconciled.equals(Set.of("a", "b")), () -> "reconciled " + reconciled);
        }
    }
}
