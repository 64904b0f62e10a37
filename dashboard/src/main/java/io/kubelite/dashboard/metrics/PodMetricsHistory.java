package io.kubelite.dashboard.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent PodMetrics samples of the pods someone has looked at, kept {@link #KEEP} (so a page
 * opened again shows the last minutes, not an empty chart); samples older than that, and pods
 * not read for that long, are forgotten. metrics-server keeps no history, so this is the only
 * one, and it starts when a pod's page is first opened. Thread-safe.
 */
public final class PodMetricsHistory {
    public static final Duration KEEP = Duration.ofMinutes(15);

    private record Series(Deque<PodMetricsSample> samples, Instant[] lastRead) {}

    private final Clock clock;
    private final Map<String, Series> byPod = new HashMap<>();

    public PodMetricsHistory(Clock clock) {
        this.clock = clock;
    }

    /** Records {@code s} for pod {@code key} unless a sample with that timestamp is already there; true when new. */
    public synchronized boolean record(String key, PodMetricsSample s) {
        Instant now = clock.instant();
        forgetOld(now);
        Series series = byPod.computeIfAbsent(key, k -> new Series(new ArrayDeque<>(), new Instant[] {now}));
        series.lastRead()[0] = now;
        PodMetricsSample last = series.samples().peekLast();
        if (last != null && last.timestamp().equals(s.timestamp())) {
            return false;
        }
        series.samples().addLast(s);
        return true;
    }

    /** The samples of {@code key}, oldest first. */
    public synchronized List<PodMetricsSample> of(String key) {
        Series s = byPod.get(key);
        return s == null ? List.of() : List.copyOf(s.samples());
    }

    private void forgetOld(Instant now) {
        Instant cutoff = now.minus(KEEP);
        byPod.values().removeIf(s -> s.lastRead()[0].isBefore(cutoff));
        for (Series s : byPod.values()) {
            while (!s.samples().isEmpty() && before(s.samples().peekFirst().timestamp(), cutoff)) {
                s.samples().removeFirst();
            }
        }
    }

    private static boolean before(String timestamp, Instant cutoff) {
        try {
            return Instant.parse(timestamp).isBefore(cutoff);
        } catch (RuntimeException e) {
            return true;
        }
    }
}
