package io.kubelite.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulerConfigTest {
    private static SchedulerConfig withParallelism(int p) {
        return new SchedulerConfig(
                "default-scheduler", "test", Duration.ofSeconds(1), Duration.ofSeconds(10), 512, 0, p);
    }

    @Test
    void defaultParallelismIsTheSchedulingThreadAloneOnTwoCoresAndOnePerCoreAbove() {
        assertThat(SchedulerConfig.defaultParallelism(1)).isEqualTo(1);
        assertThat(SchedulerConfig.defaultParallelism(2)).isEqualTo(1);
        assertThat(SchedulerConfig.defaultParallelism(3)).isEqualTo(3);
        assertThat(SchedulerConfig.defaultParallelism(16)).isEqualTo(16);
    }

    @Test
    void anExplicitParallelismIsKeptAndZeroMeansTheDefault() {
        assertThat(withParallelism(4).effectiveParallelism()).isEqualTo(4);
        assertThat(withParallelism(0).effectiveParallelism())
                .isEqualTo(
                        SchedulerConfig.defaultParallelism(Runtime.getRuntime().availableProcessors()));
        assertThat(SchedulerConfig.defaults("default-scheduler", "test").parallelism())
                .isZero();
    }

    @Test
    void negativeParallelismIsRefused() {
        assertThatThrownBy(() -> withParallelism(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism");
    }
}
