package io.kubelite.kinds.batch.job;

/**
 * kube's {@code validateIndexesFormat} and {@code parseIndexInterval} (pkg/apis/batch/validation):
 * the strict reading of an index list such as {@code "1,3-5,7"} — each part a decimal index or
 * an increasing {@code first-last} pair, every index below {@code completions}, parts in
 * increasing order. The controller's reading is lenient; this one is for the API server.
 */
final class IndexIntervalsFormat {
    private IndexIntervalsFormat() {}

    /**
     * The number of indexes {@code s} names (0 for the empty string).
     *
     * @throws IllegalArgumentException with kube's message when the list is malformed
     */
    static int total(String s, int completions) {
        if (s.isEmpty()) {
            return 0;
        }
        Integer last = null;
        int total = 0;
        for (String part : s.split(",", -1)) {
            int[] xy = interval(part, completions);
            if (last != null && last >= xy[0]) {
                throw new IllegalArgumentException("non-increasing order, previous: " + last + ", current: " + xy[0]);
            }
            total += xy[1] - xy[0] + 1;
            last = xy[1];
        }
        return total;
    }

    private static int[] interval(String part, int completions) {
        String[] limits = part.split("-", -1);
        if (limits.length > 2) {
            throw new IllegalArgumentException("the fragment \"" + part
                    + "\" violates the requirement that an index interval can have at most two parts separated by '-'");
        }
        long x = atoi(limits[0]);
        if (x >= completions) {
            throw new IllegalArgumentException("too large index: \"" + limits[0] + "\"");
        }
        if (limits.length == 1) {
            return new int[] {(int) x, (int) x};
        }
        long y = atoi(limits[1]);
        if (y >= completions) {
            throw new IllegalArgumentException("too large index: \"" + limits[1] + "\"");
        }
        if (x >= y) {
            throw new IllegalArgumentException("non-increasing order, previous: " + x + ", current: " + y);
        }
        return new int[] {(int) x, (int) y};
    }

    /** Go's {@code strconv.Atoi} (64-bit): an optional sign and decimal digits, nothing else. */
    private static long atoi(String v) {
        if (!v.matches("[+-]?[0-9]+")) {
            throw new IllegalArgumentException("cannot convert string to integer for index: \"" + v + "\"");
        }
        try {
            return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot convert string to integer for index: \"" + v + "\"");
        }
    }
}
