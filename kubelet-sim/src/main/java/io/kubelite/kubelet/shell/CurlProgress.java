package io.kubelite.kubelet.shell;

import java.util.Locale;

/**
 * curl's progress meter as it lands in a log (stderr no terminal): the two header lines, the
 * zero line drawn at the start, and the line drawn at the end, each line after the first
 * started by a carriage return. A simulated transfer takes less than a second, so the three
 * time columns read {@code --:--:--}, as curl shows them then.
 */
final class CurlProgress {
    private CurlProgress() {}

    static String meter(long bytes, long millis) {
        long speed = bytes * 1000 / Math.max(1, millis);
        String header = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
                + "                                 Dload  Upload   Total   Spent    Left  Speed\n";
        String zero = line(0, 0, 0, 0);
        return header + "\r" + zero + (bytes > 0 ? "\r" + line(100, bytes, speed, speed) : "") + "\n";
    }

    private static String line(int percent, long bytes, long avg, long current) {
        return String.format(
                Locale.ROOT,
                "%3d %s  %3d %s  %3d %s  %s  %s --:--:-- --:--:-- --:--:-- %s",
                percent,
                size5(bytes),
                percent,
                size5(bytes),
                0,
                size5(0),
                size5(avg),
                size5(0),
                size5(current));
    }

    /** curl's max5data: five columns, k and M past 99999 bytes. */
    static String size5(long n) {
        if (n < 100000) {
            return String.format(Locale.ROOT, "%5d", n);
        }
        if (n < 10000L * 1024) {
            return String.format(Locale.ROOT, "%4dk", n / 1024);
        }
        if (n < 100L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%2d.%dM", n / (1024 * 1024), (n % (1024 * 1024)) * 10 / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%4dM", n / (1024 * 1024));
    }
}
