package io.kubelite.logstore;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Byte sizes as Kubernetes quantities write them: {@code 0}, {@code 500000}, {@code 10Gi},
 * {@code 512Mi}, {@code 2G}, {@code 1.5Ti}. Stateless.
 */
public final class ByteSizeConverter implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");
    private static final Map<String, Long> UNITS = Map.of(
            "Ki",
            1L << 10,
            "Mi",
            1L << 20,
            "Gi",
            1L << 30,
            "Ti",
            1L << 40,
            "k",
            1_000L,
            "K",
            1_000L,
            "M",
            1_000_000L,
            "G",
            1_000_000_000L,
            "T",
            1_000_000_000_000L);

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        Matcher m = SIZE.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new TypeConversionException(
                    "'" + value + "' is not a byte size; use e.g. 0 (no limit), 500000, 512Mi or 10Gi");
        }
        long unit = m.group(2) == null ? 1 : UNITS.get(m.group(2));
        try {
            return new BigDecimal(m.group(1))
                    .multiply(BigDecimal.valueOf(unit))
                    .setScale(0, java.math.RoundingMode.DOWN)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + value + "' is too large a byte size");
        }
    }
}
