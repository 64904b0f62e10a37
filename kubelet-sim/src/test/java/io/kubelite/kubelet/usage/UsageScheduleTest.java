package io.kubelite.kubelet.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageScheduleTest {
    @Test
    void valuesOverTimeFromTheirOffsets() {
        UsageSchedule s = UsageSchedule.parse("100Mi, 300Mi@30s, 50Mi@2m", Quantity::bytes);
        assertThat(s.at(0)).isEqualTo(100L << 20);
        assertThat(s.at(29_999)).isEqualTo(100L << 20);
        assertThat(s.at(30_000)).isEqualTo(300L << 20);
        assertThat(s.at(120_000)).isEqualTo(50L << 20);
        assertThat(UsageSchedule.parse("500m", Quantity::cpuMillis).at(5_000)).isEqualTo(500);
        assertThat(UsageSchedule.parse("200Mi@10s", Quantity::bytes).at(0))
                .as("before the first offset: the first value")
                .isEqualTo(200L << 20);
    }

    @Test
    void malformedValuesAreRejectedAndTheAnnotationIgnored() {
        assertThatThrownBy(() -> UsageSchedule.parse("lots", Quantity::bytes)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> UsageSchedule.parse("1Mi@soon", Quantity::bytes))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(UsageAnnotations.memory(Map.of("sim.kubelite.io/memory-usage", "lots"), "app"))
                .isNull();
    }

    @Test
    void aContainersOwnAnnotationWins() {
        Map<String, String> a = Map.of(
                "sim.kubelite.io/cpu-usage", "100m",
                "sim.kubelite.io/cpu-usage.side", "2");
        assertThat(UsageAnnotations.cpu(a, "app").at(0)).isEqualTo(100);
        assertThat(UsageAnnotations.cpu(a, "side").at(0)).isEqualTo(2000);
        assertThat(UsageAnnotations.memory(a, "app")).isNull();
    }
}
