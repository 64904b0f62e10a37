package io.kubelite.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultTest {

    @Test
    void factoriesCarryActionAndDelay() {
        assertThat(Result.done().action()).isEqualTo(Result.Action.DONE);
        assertThat(Result.requeue().action()).isEqualTo(Result.Action.REQUEUE);
        Result later = Result.requeueAfter(Duration.ofSeconds(3));
        assertThat(later.action()).isEqualTo(Result.Action.REQUEUE_AFTER);
        assertThat(later.delay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(later).isEqualTo(Result.requeueAfter(Duration.ofMillis(3000)));
        assertThat(Result.done().delay()).isEqualTo(Duration.ZERO);
    }

    @Test
    void negativeDelayIsRejected() {
        assertThatThrownBy(() -> Result.requeueAfter(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
