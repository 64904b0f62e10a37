package io.kubelite.store.runtime;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses Go-style durations ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h30m},
 * {@code 1.5s}) so kubelite flags read like Kubernetes' flags.
 *
 * <p>Accepted units: {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s},
 * {@code m}, {@code h}; each number may have a fraction. A bare {@code 0} is accepted,
 * as in Go; any other number needs a unit. Unlike Go, negative durations are rejected:
 * no kubelite flag has a use for one. Stateless, so picocli may instantiate it freely.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final String HINT = "use a number with a unit, e.g. 500ms, 10s, 2m or 1h30m";

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * Parses {@code text}; throws picocli's {@link TypeConversionException} (an
     * {@link IllegalArgumentException}) with a message fit to show a user.
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new TypeConversionException("empty duration; " + HINT);
        }
        String s = text.trim();
        if (s.startsWith("-")) {
            throw new TypeConversionException("'" + text + "' is negative; durations must be 0 or more");
        }
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int pos = 0;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new TypeConversionException("'" + text + "' is not a duration; " + HINT);
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            pos = m.end();
        }
        try {
            return Duration.ofNanos(
                    nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + text + "' is too long a duration");
        }
    }

    /** Formats like the input syntax ({@code 30s}, {@code 1m30s}, {@code 500ms}), for messages. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long n = d.toNanos();
            if (n % 1_000_000 == 0) {
                return n / 1_000_000 + "ms";
            }
            if (n % 1_000 == 0) {
                return n / 1_000 + "us";
            }
            return n + "ns";
        }
        StringBuilder b = new StringBuilder();
        long h = d.toHours();
        int min = d.toMinutesPart();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (min > 0) {
            b.append(min).append('m');
        }
        BigDecimal secs = BigDecimal.valueOf(d.toSecondsPart())
                .add(BigDecimal.valueOf(d.toNanosPart(), 9))
                .stripTrailingZeros();
        if (secs.signum() != 0) {
            b.append(secs.toPlainString()).append('s');
        }
        return b.toString();
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalStateException("unit " + unit);
        };
    }
}
