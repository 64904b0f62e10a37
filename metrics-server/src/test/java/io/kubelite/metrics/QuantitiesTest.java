package io.kubelite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Kube's canonical Quantity strings and Go's Duration strings, as metrics-server's JSON carries them. */
class QuantitiesTest {
    @Test
    void cpuIsDecimalSiFromNanocores() {
        assertThat(Quantities.cpu(0)).isEqualTo("0");
        assertThat(Quantities.cpu(329_087_452)).isEqualTo("329087452n");
        assertThat(Quantities.cpu(5_000_000)).isEqualTo("5m");
        assertThat(Quantities.cpu(1_500_000)).isEqualTo("1500u");
        assertThat(Quantities.cpu(150_000_000)).isEqualTo("150m");
        assertThat(Quantities.cpu(2_000_000_000)).isEqualTo("2");
        assertThat(Quantities.cpu(10)).isEqualTo("10n");
        assertThat(Quantities.cpu(100)).isEqualTo("100n");
        assertThat(Quantities.cpu(1000)).isEqualTo("1u");
    }

    @Test
    void memoryIsBinarySiFromBytes() {
        assertThat(Quantities.memory(0)).isEqualTo("0");
        assertThat(Quantities.memory(1000)).isEqualTo("1000");
        assertThat(Quantities.memory(2_814_136_320L)).isEqualTo("2748180Ki");
        assertThat(Quantities.memory(16_777_216)).isEqualTo("16Mi");
        assertThat(Quantities.memory(1_610_612_736L)).isEqualTo("1536Mi");
        assertThat(Quantities.memory(1_073_741_824L)).isEqualTo("1Gi");
        assertThat(Quantities.memory(1025)).isEqualTo("1025");
    }

    @Test
    void windowIsGoDurationString() {
        assertThat(GoDurations.format(Duration.ofSeconds(15))).isEqualTo("15s");
        assertThat(GoDurations.format(Duration.ofMillis(20_064))).isEqualTo("20.064s");
        assertThat(GoDurations.format(Duration.ofMillis(60_500))).isEqualTo("1m0.5s");
        assertThat(GoDurations.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDurations.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(GoDurations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
