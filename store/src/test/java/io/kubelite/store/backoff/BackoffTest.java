package io.kubelite.store.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final ExponentialBackoff POLICY =
            new ExponentialBackoff(Duration.ofMillis(100), Duration.ofMillis(500));

    @Test
    void doublesUpToTheMaxAndStartsOverAfterAReset() {
        Backoff b = Backoff.of(POLICY);
        assertThat(b.nextMillis()).isEqualTo(100);
        assertThat(b.nextMillis()).isEqualTo(200);
        assertThat(b.nextMillis()).isEqualTo(400);
        assertThat(b.nextMillis()).isEqualTo(500);
        assertThat(b.nextMillis()).isEqualTo(500);
        b.reset();
        assertThat(b.nextMillis()).isEqualTo(100);
    }

    @Test
    void jitterDrawsFromTheUpperHalfOfEachDelay() {
        Backoff b = Backoff.jittered(POLICY);
        for (long ceiling : new long[] {100, 200, 400, 500, 500}) {
            assertThat(b.next()).isBetween(Duration.ofMillis(ceiling / 2), Duration.ofMillis(ceiling));
        }
    }
}
