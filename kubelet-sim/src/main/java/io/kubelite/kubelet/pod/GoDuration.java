package io.kubelite.kubelet.pod;

/** Go's time.Duration String() for whole seconds: 10s, 1m20s, 5m0s (as in kubelet messages). */
final class GoDuration {
    private GoDuration() {}

    static String format(long millis) {
        long s = Math.round(millis / 1000.0);
        if (s < 60) {
            return s + "s";
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return (h > 0 ? h + "h" + m + "m" : m + "m") + sec + "s";
    }
}
