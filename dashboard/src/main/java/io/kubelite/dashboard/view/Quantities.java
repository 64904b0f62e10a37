package io.kubelite.dashboard.view;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities ({@code 250m}, {@code 2}, {@code 128Mi}, {@code 1e3}) as the
 * numbers views sum: CPU in millicores, memory in bytes. A malformed quantity counts as 0 (an
 * object the API server accepted is well-formed; a view must not fail on one that is not).
 */
public final class Quantities {
    private Quantities() {}

    public static long cpuMillis(String q) {
        BigDecimal v = parse(q);
        return v == null
                ? 0
                : v.multiply(BigDecimal.valueOf(1000))
                        .setScale(0, RoundingMode.CEILING)
                        .longValue();
    }

    public static long bytes(String q) {
        BigDecimal v = parse(q);
        return v == null ? 0 : v.setScale(0, RoundingMode.CEILING).longValue();
    }

    static BigDecimal parse(String q) {
        if (q == null || q.isBlank()) {
            return null;
        }
        String s = q.trim();
        String[][] suffixes = {
            {"Ki", "1024"},
            {"Mi", "1048576"},
            {"Gi", "1073741824"},
            {"Ti", "1099511627776"},
            {"Pi", "1125899906842624"},
            {"Ei", "1152921504606846976"},
            {"n", "0.000000001"},
            {"u", "0.000001"},
            {"m", "0.001"},
            {"k", "1000"},
            {"M", "1000000"},
            {"G", "1000000000"},
            {"T", "1000000000000"},
            {"P", "1000000000000000"},
            {"E", "1000000000000000000"}
        };
        try {
            for (String[] sf : suffixes) {
                if (s.endsWith(sf[0])) {
                    return new BigDecimal(s.substring(0, s.length() - sf[0].length())).multiply(new BigDecimal(sf[1]));
                }
            }
            return new BigDecimal(s); // plain or with an exponent (1e3)
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
