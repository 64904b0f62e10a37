package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

  @ParameterizedTest
  @CsvSource({
    "500m, 500",
    "1, 1000",
    "0.5, 500",
    "2.5, 2500",
    "1e3, 1000000",
    "1E3, 1000000",
    "100m, 100",
    "0, 0",
    "0.1m, 1",
    "1.0001, 1001",
    ".5, 500",
    "5., 5000",
    "+1, 1000",
    "1k, 1000000",
    "250u, 1",
    "1n, 1",
    "1e-3, 1",
    "2e+0, 2000",
    "0.0, 0",
    "1.G, 1000000000000",
    "00012, 12000",
  })
  void cpuMillis(String text, long millis) {
    assertThat(Quantity.cpuMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest
  @CsvSource({
    "1Gi, 1073741824",
    "128974848, 128974848",
    "129e6, 129000000",
    "129M, 129000000",
    "123Mi, 128974848",
    "500m, 1",
    "1Ki, 1024",
    "1.5Gi, 1610612736",
    "1Ti, 1099511627776",
    "1Pi, 1125899906842624",
    "1Ei, 1152921504606846976",
    "1k, 1000",
    "1G, 1000000000",
    "1T, 1000000000000",
    "1P, 1000000000000000",
    "1E, 1000000000000000000",
    "0, 0",
    "9223372036854775807, 9223372036854775807",
  })
  void bytes(String text, long bytes) {
    assertThat(Quantity.bytes(text)).isEqualTo(bytes);
  }

  @Test
  void parseIsExactAndRoundsUpToNanos() {
    assertThat(Quantity.parse("500m")).isEqualByComparingTo("0.5");
    assertThat(Quantity.parse("-1.5Ki")).isEqualByComparingTo("-1536");
    assertThat(Quantity.parse("1e-12")).isEqualByComparingTo("0.000000001");
    assertThat(Quantity.parse("0")).isEqualTo(BigDecimal.ZERO);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "12x | " + Quantity.FORMAT_WRONG,
        "'' | " + Quantity.FORMAT_WRONG,
        "1Kb | " + Quantity.FORMAT_WRONG,
        "1.2.3 | " + Quantity.FORMAT_WRONG,
        "abc | " + Quantity.FORMAT_WRONG,
        "e3 | " + Quantity.FORMAT_WRONG,
        "- | " + Quantity.FORMAT_WRONG,
        "1 Gi | " + Quantity.FORMAT_WRONG,
        "1e3.5 | " + Quantity.FORMAT_WRONG,
        "1ki | " + Quantity.SUFFIX,
        "1K | " + Quantity.SUFFIX,
        "1e | " + Quantity.SUFFIX,
        "1m3 | " + Quantity.SUFFIX,
        "1Mi-2 | " + Quantity.SUFFIX,
        ". | " + Quantity.NUMERIC,
      })
  void rejectsWhatKubernetesRejects(String text, String reason) {
    assertThatThrownBy(() -> Quantity.parse(text))
        .isInstanceOf(QuantityFormatException.class)
        .hasMessage(reason + ": \"" + text + "\"");
  }

  @Test
  void whitespaceIsNotTrimmed() {
    assertThatThrownBy(() -> Quantity.parse(" 1")).hasMessage(Quantity.FORMAT_WRONG + ": \" 1\"");
    assertThatThrownBy(() -> Quantity.parse("1 ")).hasMessage(Quantity.FORMAT_WRONG + ": \"1 \"");
  }

  @Test
  void formatErrorQuotesKubernetesRegex() {
    assertThatThrownBy(() -> Quantity.cpuMillis("12x"))
        .hasMessage(
            "quantities must match the regular expression "
                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': \"12x\"");
  }

  @Test
  void resourceAmountsMustNotBeNegativeOrOverflow() {
    assertThatThrownBy(() -> Quantity.cpuMillis("-500m"))
        .isInstanceOf(QuantityFormatException.class)
        .hasMessage("a resource amount must not be negative: \"-500m\"");
    assertThatThrownBy(() -> Quantity.bytes("-1Gi"))
        .hasMessage("a resource amount must not be negative: \"-1Gi\"");
    assertThatThrownBy(() -> Quantity.cpuMillis("1E"))
        .hasMessage("quantity is too large for a 64-bit count of millicores: \"1E\"");
    assertThatThrownBy(() -> Quantity.bytes("8Ei"))
        .hasMessage("quantity is too large for a 64-bit count of bytes: \"8Ei\"");
    assertThatThrownBy(() -> Quantity.bytes("1e100000"))
        .hasMessageStartingWith("quantity exponent is out of range");
    assertThat(((QuantityFormatException) catchThrowable(() -> Quantity.bytes("x"))).input())
        .isEqualTo("x");
  }

  private static Throwable catchThrowable(Runnable r) {
    return org.assertj.core.api.Assertions.catchThrowable(r::run);
  }

  @ParameterizedTest
  @CsvSource({"500, 500m", "2000, 2", "1500, 1500m", "0, 0", "1, 1m", "-250, -250m"})
  void formatCpuMillis(long millis, String text) {
    assertThat(Quantity.formatCpuMillis(millis)).isEqualTo(text);
    assertThat(Quantity.cpuMillis(text.startsWith("-") ? "0" : text))
        .isEqualTo(text.startsWith("-") ? 0 : millis);
  }

  @ParameterizedTest
  @CsvSource({
    "1073741824, 1Gi",
    "1572864000, 1500Mi",
    "1000, 1000",
    "1024, 1Ki",
    "0, 0",
    "1, 1",
    "129000000, 129000000",
    "1152921504606846976, 1Ei",
    "2305843009213693952, 2Ei",
    "-2048, -2Ki",
  })
  void formatBytes(long bytes, String text) {
    assertThat(Quantity.formatBytes(bytes)).isEqualTo(text);
    if (bytes >= 0) {
      assertThat(Quantity.bytes(text)).isEqualTo(bytes);
    }
  }

  @Test
  void formatBytesHandlesExtremes() {
    assertThat(Quantity.formatBytes(Long.MIN_VALUE)).isEqualTo("-8Ei");
    assertThat(Quantity.formatBytes(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
  }

  @ParameterizedTest
  @CsvSource({
    "1.5, false, 1500m",
    "2, false, 2",
    "1000, false, 1k",
    "0.0000000005, false, 1n",
    "134217728, true, 128Mi",
    "1610612736, true, 1536Mi",
    "1000, true, 1k",
    "1536, true, 1536",
    "0, true, 0",
  })
  void formatPrintsKubesCanonicalText(String value, boolean binary, String text) {
    assertThat(Quantity.format(new BigDecimal(value), binary)).isEqualTo(text);
  }
}
