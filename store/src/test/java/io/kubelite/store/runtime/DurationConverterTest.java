package io.kubelite.store.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "0s, 0",
        "1ns, 1",
        "1us, 1000",
        "1µs, 1000",
        "500ms, 500000000",
        "10s, 10000000000",
        "2m, 120000000000",
        "1h, 3600000000000",
        "1h30m, 5400000000000",
        "1m30s, 90000000000",
        "1.5s, 1500000000",
        ".5s, 500000000",
        "' 15s ', 15000000000",
        "+3s, 3000000000",
    })
    void accepts(String text, long nanos) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10", "5x", "s", "1.5", "10 s", "1h-30m", "ten seconds", "1d", "1e3s", "PT10S"})
    void rejectsWithHint(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("e.g. 500ms, 10s, 2m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "-0s"})
    void rejectsNegative(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("negative");
    }

    @org.junit.jupiter.api.Test
    void rejectsOverflow() {
        assertThatThrownBy(() -> DurationConverter.parse("9999999999h"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "500000000, 500ms",
        "1500, 1500ns",
        "2000, 2us",
        "30000000000, 30s",
        "1500000000, 1.5s",
        "120000000000, 2m",
        "5400000000000, 1h30m",
        "3690000000000, 1h1m30s"
    })
    void formats(long nanos, String text) {
        assertThat(DurationConverter.format(Duration.ofNanos(nanos))).isEqualTo(text);
        assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }
}
