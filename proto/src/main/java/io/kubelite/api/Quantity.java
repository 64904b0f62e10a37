package io.kubelite.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities ({@code "500m"}, {@code "1Gi"}, {@code "129e6"}).
 *
 * <p>Accepts exactly Kubernetes' grammar: an optionally signed decimal number ({@code 1}, {@code
 * 1.5}, {@code .5}, {@code 5.}) followed by at most one suffix, which is a decimal SI suffix
 * ({@code n u m k M G T P E}), a binary SI suffix ({@code Ki Mi Gi Ti Pi Ei}) or a decimal exponent
 * ({@code e3}, {@code E-2}). Rejections carry Kubernetes' own error texts followed by the quoted
 * input.
 *
 * <p>Like Kubernetes, values are rounded up to a precision of 10<sup>-9</sup> on parse, and
 * conversions to whole units ({@link #cpuMillis}, {@link #bytes}) round up, so {@code "500m"} of
 * memory is 1 byte and {@code "0.1m"} of CPU is 1 millicore.
 *
 * <p>Two deliberate differences from Kubernetes: a bare sign ({@code "-"}) is rejected (Kubernetes'
 * parser reads it as zero although its own regular expression forbids it), and decimal exponents
 * beyond ±1000 are rejected rather than computed.
 */
public final class Quantity {

  /** Kubernetes' splitREString, quoted verbatim in its error message. */
  static final String REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

  static final String FORMAT_WRONG = "quantities must match the regular expression '" + REGEX + "'";
  static final String NUMERIC = "unable to parse numeric part of quantity";
  static final String SUFFIX = "unable to parse quantity's suffix";

  private static final String SUFFIX_CHARS = "eEinumkKMGTP";
  // Far beyond any resource amount; keeps BigDecimal from doing huge power-of-ten work.
  private static final int MAX_EXPONENT = 1000;
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantity() {}

  /**
   * The exact value of a quantity, rounded up to nine decimal places as Kubernetes does. Negative
   * values are allowed here; the resource-specific methods reject them.
   *
   * @throws QuantityFormatException if {@code text} is not a quantity
   */
  public static BigDecimal parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new QuantityFormatException(FORMAT_WRONG, String.valueOf(text));
    }
    int end = text.length();
    int pos = 0;
    if (text.charAt(0) == '+' || text.charAt(0) == '-') {
      pos++;
    }
    int numberEnd = skipDigits(text, pos);
    if (numberEnd < end && text.charAt(numberEnd) == '.') {
      numberEnd = skipDigits(text, numberEnd + 1);
    }
    String number = text.substring(0, numberEnd);
    String suffix = text.substring(numberEnd);
    if (!suffixMatchesGrammar(suffix)) {
      throw new QuantityFormatException(FORMAT_WRONG, text);
    }
    BigDecimal value = parseNumber(number, text);
    BigDecimal scaled = applySuffix(value, suffix, text);
    BigDecimal rounded = scaled.setScale(9, RoundingMode.CEILING).stripTrailingZeros();
    return rounded.signum() == 0 ? BigDecimal.ZERO : rounded;
  }

  /**
   * A CPU amount in millicores, rounded up: {@code "500m"} → 500, {@code "2.5"} → 2500, {@code
   * "1e3"} → 1000000.
   *
   * @throws QuantityFormatException if not a quantity, negative, or beyond a {@code long}
   */
  public static long cpuMillis(String text) {
    return toLong(parse(text).multiply(THOUSAND), text, "millicores");
  }

  /**
   * A byte count, rounded up: {@code "1Gi"} → 1073741824, {@code "129M"} → 129000000, {@code
   * "500m"} → 1.
   *
   * @throws QuantityFormatException if not a quantity, negative, or beyond a {@code long}
   */
  public static long bytes(String text) {
    return toLong(parse(text), text, "bytes");
  }

  /**
   * Kubernetes' canonical text for a CPU amount: whole cores when exact ({@code "2"}), otherwise
   * millicores ({@code "500m"}, {@code "1500m"}).
   */
  public static String formatCpuMillis(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m";
  }

  /**
   * Kubernetes' canonical text for a byte count: the largest binary suffix that divides it exactly
   * ({@code "1Gi"}, {@code "1500Mi"}), or a plain number ({@code "1000"}).
   */
  public static String formatBytes(long bytes) {
    // BigInteger so that Long.MIN_VALUE needs no special case.
    BigInteger value = BigInteger.valueOf(bytes);
    BigInteger k = BigInteger.valueOf(1024);
    int exponent = 0;
    while (value.signum() != 0
        && exponent < BINARY_SUFFIXES.length - 1
        && value.mod(k).signum() == 0) {
      value = value.divide(k);
      exponent++;
    }
    return value + BINARY_SUFFIXES[exponent];
  }

  /**
   * Whether {@code text} is written with a binary suffix ({@code Ki} .. {@code Ei}): kube's
   * BinarySI format.
   */
  public static boolean isBinary(String text) {
    return text != null && text.length() >= 2 && text.endsWith("i");
  }

  /**
   * Kubernetes' canonical text of {@code value} in the binary SI format when {@code binary}, else
   * the decimal SI one, as {@code resource.Quantity.String()} prints a sum: {@code 1536Mi}, {@code
   * 1500m}, {@code 2}, {@code 1k}. A binary value below 1024 or with a fraction is printed
   * decimally, as kube does.
   */
  public static String format(BigDecimal value, boolean binary) {
    BigDecimal v = value.stripTrailingZeros();
    if (v.signum() == 0) {
      return "0";
    }
    if (binary && v.abs().compareTo(BigDecimal.valueOf(1024)) >= 0 && v.scale() <= 0) {
      BigInteger n = v.toBigIntegerExact();
      BigInteger k = BigInteger.valueOf(1024);
      int exponent = 0;
      while (exponent < BINARY_SUFFIXES.length - 1 && n.mod(k).signum() == 0) {
        n = n.divide(k);
        exponent++;
      }
      return n + BINARY_SUFFIXES[exponent];
    }
    // decimal SI: an integer mantissa with the largest exponent that is a multiple of 3
    int exponent = -v.scale();
    BigInteger mantissa = v.unscaledValue();
    int down = Math.floorMod(exponent, 3);
    mantissa = mantissa.multiply(BigInteger.TEN.pow(down));
    exponent -= down;
    if (exponent < -9) {
      // kube rounds up to nano units
      BigDecimal nanos = v.scaleByPowerOfTen(9).setScale(0, RoundingMode.CEILING);
      return nanos.toBigInteger() + "n";
    }
    String suffix = DECIMAL_SUFFIXES.get(exponent);
    if (suffix == null) {
      return mantissa + "e" + exponent;
    }
    return mantissa + suffix;
  }

  private static final java.util.Map<Integer, String> DECIMAL_SUFFIXES =
      java.util.Map.of(
          -9, "n", -6, "u", -3, "m", 0, "", 3, "k", 6, "M", 9, "G", 12, "T", 15, "P", 18, "E");

  private static int skipDigits(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  /** The suffix part of Kubernetes' regular expression: {@code [eEinumkKMGTP]*[-+]?[0-9]*}. */
  private static boolean suffixMatchesGrammar(String suffix) {
    int i = 0;
    while (i < suffix.length() && SUFFIX_CHARS.indexOf(suffix.charAt(i)) >= 0) {
      i++;
    }
    if (i < suffix.length() && (suffix.charAt(i) == '+' || suffix.charAt(i) == '-')) {
      i++;
    }
    return skipDigits(suffix, i) == suffix.length();
  }

  private static BigDecimal parseNumber(String number, String text) {
    String unsigned =
        number.startsWith("+") || number.startsWith("-") ? number.substring(1) : number;
    if (unsigned.isEmpty()) {
      // Kubernetes' parser happens to read a bare sign as zero; its own regular
      // expression (which the message quotes) does not allow it, and neither do we.
      throw new QuantityFormatException(FORMAT_WRONG, text);
    }
    if (unsigned.equals(".")) {
      throw new QuantityFormatException(NUMERIC, text);
    }
    String normalized = unsigned.endsWith(".") ? unsigned + "0" : unsigned;
    if (normalized.startsWith(".")) {
      normalized = "0" + normalized;
    }
    BigDecimal value = new BigDecimal(normalized);
    return number.startsWith("-") ? value.negate() : value;
  }

  private static BigDecimal applySuffix(BigDecimal value, String suffix, String text) {
    switch (suffix) {
      case "":
        return value;
      case "n":
        return value.scaleByPowerOfTen(-9);
      case "u":
        return value.scaleByPowerOfTen(-6);
      case "m":
        return value.scaleByPowerOfTen(-3);
      case "k":
        return value.scaleByPowerOfTen(3);
      case "M":
        return value.scaleByPowerOfTen(6);
      case "G":
        return value.scaleByPowerOfTen(9);
      case "T":
        return value.scaleByPowerOfTen(12);
      case "P":
        return value.scaleByPowerOfTen(15);
      case "E":
        return value.scaleByPowerOfTen(18);
      case "Ki":
        return value.multiply(BigDecimal.valueOf(1L << 10));
      case "Mi":
        return value.multiply(BigDecimal.valueOf(1L << 20));
      case "Gi":
        return value.multiply(BigDecimal.valueOf(1L << 30));
      case "Ti":
        return value.multiply(BigDecimal.valueOf(1L << 40));
      case "Pi":
        return value.multiply(BigDecimal.valueOf(1L << 50));
      case "Ei":
        return value.multiply(BigDecimal.valueOf(1L << 60));
      default:
        return value.scaleByPowerOfTen(decimalExponent(suffix, text));
    }
  }

  private static int decimalExponent(String suffix, String text) {
    if (suffix.length() < 2 || (suffix.charAt(0) != 'e' && suffix.charAt(0) != 'E')) {
      throw new QuantityFormatException(SUFFIX, text);
    }
    String digits = suffix.substring(1);
    String unsigned =
        digits.startsWith("+") || digits.startsWith("-") ? digits.substring(1) : digits;
    if (unsigned.isEmpty() || skipDigits(unsigned, 0) != unsigned.length()) {
      throw new QuantityFormatException(SUFFIX, text);
    }
    BigInteger exponent = new BigInteger(digits.startsWith("+") ? unsigned : digits);
    if (exponent.abs().compareTo(BigInteger.valueOf(MAX_EXPONENT)) > 0) {
      throw new QuantityFormatException(
          "quantity exponent is out of range (at most " + MAX_EXPONENT + " either way)", text);
    }
    return exponent.intValueExact();
  }

  private static long toLong(BigDecimal value, String text, String unit) {
    if (value.signum() < 0) {
      throw new QuantityFormatException("a resource amount must not be negative", text);
    }
    BigDecimal whole = value.setScale(0, RoundingMode.CEILING);
    if (whole.compareTo(LONG_MAX) > 0) {
      throw new QuantityFormatException(
          "quantity is too large for a 64-bit count of " + unit, text);
    }
    return whole.longValueExact();
  }
}
