package io.kubelite.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.store.backoff.ExponentialBackoff;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queue semantics through get/done, where the test controls every step. */
class WorkQueueManualTest {

    private static final Duration NOW = Duration.ZERO;
    private static final Duration LONG = Duration.ofSeconds(10);

    private WorkQueue<String> queue;

    private WorkQueue<String> started(ExponentialBackoff backoff) {
        queue = WorkQueue.builder("manual").backoff(backoff).build();
        queue.start();
        return queue;
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void aKeyAddedManyTimesWhileWaitingIsHandedOutOnce() throws Exception {
        WorkQueue<String> q = started(ExponentialBackoff.defaults());
        for (int i = 0; i < 1000; i++) {
            q.add("a");
        }
        assertThat(q.len()).isEqualTo(1);
        assertThat(q.adds()).isEqualTo(1);
        assertThat(q.get(LONG)).isEqualTo("a");
        assertThat(q.get(NOW)).isNull();
        q.done("a");
    }

    @Test
    void aKeyAddedWhileProcessingIsHeldBackThenQueuedOnceAtDone() throws Exception {
        WorkQueue<String> q = started(ExponentialBackoff.defaults());
        q.add("a");
        assertThat(q.get(LONG)).isEqualTo("a");
        for (int i = 0; i < 10; i++) {
            q.add("a");
        }
        assertThat(q.len()).as("not handed out while in flight").isZero();
        assertThat(q.inFlight()).isEqualTo(1);
        assertThat(q.get(NOW)).isNull();

        q.done("a");
        assertThat(q.len()).isEqualTo(1);
        assertThat(q.get(LONG)).isEqualTo("a");
        q.done("a");
        assertThat(q.len()).isZero();
        assertThat(q.get(NOW)).isNull();
    }

    @Test
    void readyKeysComeOutInAddOrder() throws Exception {
        WorkQueue<String> q = started(ExponentialBackoff.defaults());
        q.add("a");
        q.add("b");
        q.add("a");
        q.add("c");
        for (String expected : new String[] {"a", "b", "c"}) {
            assertThat(q.get(LONG)).isEqualTo(expected);
            q.done(expected);
        }
    }

    @Test
    void addAfterKeepsTheSoonestOfSeveralDelays() throws Exception {
        WorkQueue<String> q = started(ExponentialBackoff.defaults());
        long t0 = System.nanoTime();
        q.addAfter("k", Duration.ofSeconds(5));
        q.addAfter("k", Duration.ofMillis(150));
        q.addAfter("k", Duration.ofSeconds(3));
        assertThat(q.delayed()).isEqualTo(1);
        assertThat(q.len()).isZero();

        assertThat(q.get(Duration.ofSeconds(4))).isEqualTo("k");
        Duration waited = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofSeconds(3));
        // the 3 s and 5 s delays were superseded, not kept alongside
        assertThat(q.delayed()).isZero();
        q.done("k");
        assertThat(q.len()).isZero();
    }

    @Test
    void aLaterDelayDoesNotPostponeAnEarlierOne() throws Exception {
        WorkQueue<String> q = started(ExponentialBackoff.defaults());
        q.addAfter("k", Duration.ofMillis(100));
        q.addAfter("k", Duration.ofMinutes(10));
        assertThat(q.get(Duration.ofSeconds(5))).isEqualTo("k");
        assertThat(q.delayed()).isZero();
        q.done("k");
    }

    @Test
    void zeroDelayIsAPlainAdd() {
        WorkQueue<String> q = started(ExponentialBackoff.defaults());
        q.addAfter("k", Duration.ZERO);
        assertThat(q.len()).isEqualTo(1);
        assertThat(q.delayed()).isZero();
    }

    @Test
    void backOffDoublesPerRetryAndForgetResetsIt() throws Exception {
        WorkQueue<String> q = started(new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10)));
        long[] minimumMillis = {100, 200, 400, 800};
        for (int i = 0; i < minimumMillis.length; i++) {
            Duration waited = retryAndWait(q);
            assertThat(q.numRequeues("k")).isEqualTo(i + 1);
            assertThat(waited).as("retry %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(minimumMillis[i]));
        }
        assertThat(q.retries()).isEqualTo(4);

        q.forget("k");
        assertThat(q.numRequeues("k")).isZero();
        Duration waited = retryAndWait(q);
        // the unforgotten fifth retry would wait 1600 ms
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofMillis(1000));
        assertThat(q.numRequeues("k")).isEqualTo(1);
    }

    private static Duration retryAndWait(WorkQueue<String> q) throws InterruptedException {
        long t0 = System.nanoTime();
        q.addRateLimited("k");
        assertThat(q.get(LONG)).isEqualTo("k");
        Duration waited = Duration.ofNanos(System.nanoTime() - t0);
        q.done("k");
        return waited;
    }

    @Test
    void misuseIsReportedNotSwallowed() {
        queue = WorkQueue.builder("misuse").build();
        assertThatThrownBy(() -> queue.get(NOW)).isInstanceOf(IllegalStateException.class);
        queue.start();
        assertThatThrownBy(() -> queue.done("never-taken")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(queue::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> queue.add(null)).isInstanceOf(NullPointerException.class);
    }
}
