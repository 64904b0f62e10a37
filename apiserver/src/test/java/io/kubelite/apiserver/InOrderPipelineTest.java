package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Parallel preparation, delivery in submission order: what a watch cache's watchers rely on. */
class InOrderPipelineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void resultsArriveInSubmissionOrderWhenLaterItemsAreReadyFirst() throws InterruptedException {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstMayFinish = new CountDownLatch(1);
        try (InOrderPipeline<Integer> p = new InOrderPipeline<>("t", 4, 100, seen::add)) {
            p.submit(() -> {
                await(firstMayFinish);
                return 0;
            });
            for (int i = 1; i < 50; i++) {
                int n = i;
                p.submit(() -> n);
            }
            p.submitDone(50);
            // the later items are prepared, but none may overtake the first
            Poll.holds(
                    Duration.ofMillis(300),
                    "nothing delivered before item 0",
                    () -> assertThat(seen).isEmpty());
            firstMayFinish.countDown();
            Poll.until(DEADLINE, "all 51 delivered", () -> List.copyOf(seen), s -> s.size() == 51);
            assertThat(seen)
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(0, 50).boxed().toList());
        }
    }

    @Test
    void manyItemsOnManyThreadsKeepTheirOrderAndArriveOnce() {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        try (InOrderPipeline<Integer> p = new InOrderPipeline<>("t", 4, 64, n -> {
            // the consumer is never called twice at once
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            seen.add(n);
            concurrent.decrementAndGet();
        })) {
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                if (i % 7 == 0) {
                    p.submitDone(n);
                } else {
                    p.submit(() -> n);
                }
            }
            Poll.until(DEADLINE, "20,000 delivered", () -> seen.size(), s -> s == 20_000);
        }
        assertThat(seen)
                .containsExactlyElementsOf(IntStream.range(0, 20_000).boxed().toList());
        assertThat(maxConcurrent.get()).isEqualTo(1);
    }

    @Test
    void aFailedPreparationIsSkippedAndTheRestStillArrive() {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        try (InOrderPipeline<Integer> p = new InOrderPipeline<>("t", 2, 10, seen::add)) {
            p.submit(() -> 1);
            p.submit(() -> {
                throw new IllegalStateException("cannot encode");
            });
            p.submit(() -> 3);
            Poll.until(DEADLINE, "1 and 3 delivered", () -> List.copyOf(seen), s -> s.equals(List.of(1, 3)));
        }
    }

    @Test
    void afterCloseNothingMoreIsDeliveredAndCloseIsIdempotent() {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        InOrderPipeline<Integer> p = new InOrderPipeline<>("t", 2, 10, seen::add);
        p.submitDone(1);
        p.close();
        p.close();
        p.submit(() -> 2);
        p.submitDone(3);
        Poll.holds(
                Duration.ofMillis(200),
                "only the item before close",
                () -> assertThat(seen).containsExactly(1));
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
