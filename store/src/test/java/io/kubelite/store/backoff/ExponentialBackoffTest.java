package io.kubelite.store.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

    @Test
    void doublesFromBaseUpToMax() {
        ExponentialBackoff b = ExponentialBackoff.defaults();
        assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(b.delay(9)).isEqualTo(Duration.ofMillis(25_600));
        assertThat(b.delay(10)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delay(11)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void hugeAttemptCountsStayAtMaxInsteadOfOverflowing() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofNanos(1), Duration.ofDays(300));
        assertThat(b.delay(40)).isEqualTo(Duration.ofNanos(1L << 39));
        for (int attempt : new int[] {62, 63, 64, 65, 1_000, Integer.MAX_VALUE}) {
            assertThat(b.delay(attempt)).as("attempt %d", attempt).isEqualTo(Duration.ofDays(300));
        }
    }

    @Test
    void monotoneForEveryAttempt() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(3), Duration.ofSeconds(7));
        Duration previous = Duration.ZERO;
        for (int attempt = 1; attempt < 200; attempt++) {
            Duration d = b.delay(attempt);
            assertThat(d).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(Duration.ofSeconds(7));
            previous = d;
        }
        assertThat(previous).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new ExponentialBackoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExponentialBackoff.defaults().delay(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
