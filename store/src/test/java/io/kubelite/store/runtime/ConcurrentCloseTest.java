package io.kubelite.store.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrentCloseTest {

    @Test
    void closesEveryItemAtTheSameTimeAndReturnsWhenAllAreClosed() {
        // each close waits until all three are closing: they finish only if they run at once
        CountDownLatch allClosing = new CountDownLatch(3);
        Set<String> closedTogether = ConcurrentHashMap.newKeySet();
        List<Named> items = List.of("a", "b", "c").stream()
                .map(n -> new Named(n, () -> {
                    allClosing.countDown();
                    if (allClosing.await(20, TimeUnit.SECONDS)) {
                        closedTogether.add(n);
                    }
                }))
                .toList();

        ConcurrentClose.closeAll(items, Named::name);

        assertThat(closedTogether).as("closes that overlapped").containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aCloseThatThrowsDoesNotKeepTheOthersOpen() {
        Set<String> closed = ConcurrentHashMap.newKeySet();
        List<Named> items = List.of(
                new Named("broken", () -> {
                    throw new IllegalStateException("boom");
                }),
                new Named("fine", () -> closed.add("fine")),
                new Named("also-fine", () -> closed.add("also-fine")));

        ConcurrentClose.closeAll(items, Named::name);

        assertThat(closed).containsExactlyInAnyOrder("fine", "also-fine");
    }

    private interface Body {
        void run() throws Exception;
    }

    private record Named(String name, Body body) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            body.run();
        }
    }
}
