package io.kubelite.cli;

import io.kubelite.api.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * kubectl top's printing ({@code metricsutil.TopCmdPrinter}): CPU as {@code <millicores>m}
 * (rounded up, as Quantity.MilliValue), memory as {@code <MiB>Mi} (bytes rounded up, then divided
 * down), percentages as {@code int64(usage.MilliValue / available.MilliValue * 100)}, and Go's
 * tabwriter with kubectl's settings (minimum width 6, padding 3) where every cell, the last included, ends with a tab: so
 * every column is padded, and lines end in spaces, exactly as kubectl's do.
 */
final class TopTable {
    /** kubectl's {@code printers.GetNewTabWriter}: minimum cell width 6, padding 3. */
    private static final int MIN_WIDTH = 6;

    private static final int PADDING = 3;

    private final List<List<String>> rows = new ArrayList<>();

    void add(List<String> row) {
        rows.add(row);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, each column as wide as its widest cell plus 3, and at least 6. */
    String render() {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] w = new int[cols];
        Arrays.fill(w, MIN_WIDTH);
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length() + PADDING);
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                b.append(r.get(i)).append(" ".repeat(w[i] - r.get(i).length()));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** A Quantity's MilliValue: the value × 1000, rounded up. */
    static long milli(String quantity) {
        return Quantity.parse(quantity)
                .movePointRight(3)
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    static String cpu(String quantity) {
        return milli(quantity) + "m";
    }

    static String memory(String quantity) {
        return Quantity.bytes(quantity) / (1024 * 1024) + "Mi";
    }

    /** kubectl's percentage of {@code available}; 0% when it is zero. */
    static String percent(String usage, String available) {
        long avail = milli(available);
        if (avail == 0) {
            return "0%";
        }
        double fraction = (double) milli(usage) / (double) avail * 100;
        return (long) fraction + "%";
    }

    /** Sum of quantities, as a plain decimal string a Quantity parses. */
    static String sum(List<String> quantities) {
        BigDecimal total = BigDecimal.ZERO;
        for (String q : quantities) {
            total = total.add(Quantity.parse(q));
        }
        return total.toPlainString();
    }
}
