package io.kubelite.kubelet.clock;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import org.junit.jupiter.api.Test;

class TimestampPrecisionTest {
    @Test
    void realTimeWritesWholeSecondsAFasterClockMilliseconds() {
        assertThat(TimestampPrecision.of(TimeScale.REAL)).isEqualTo(TimestampPrecision.SECONDS);
        assertThat(TimestampPrecision.of(new TimeScale(0.5))).isEqualTo(TimestampPrecision.SECONDS);
        assertThat(TimestampPrecision.of(new TimeScale(10))).isEqualTo(TimestampPrecision.MILLISECONDS);

        assertThat(Timestamps.toMillis(TimestampPrecision.SECONDS.timestamp(1_700_000_001_999L)))
                .isEqualTo(1_700_000_001_000L);
        assertThat(Timestamps.toMillis(TimestampPrecision.MILLISECONDS.timestamp(1_700_000_001_999L)))
                .isEqualTo(1_700_000_001_999L);
        // before the epoch: floor, so the nanos stay non-negative as protobuf requires
        assertThat(Timestamps.isValid(TimestampPrecision.MILLISECONDS.timestamp(-1)))
                .isTrue();
        assertThat(Timestamps.toMillis(TimestampPrecision.MILLISECONDS.timestamp(-1)))
                .isEqualTo(-1);
    }
}
