package io.kubelite.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last two points of every container of every pod, as metrics-server's {@code podStorage}:
 * <ul>
 *   <li>a container that started less than one resolution (and at least 10 s) before its point
 *       gets a synthetic previous point at its start time with zero CPU, so a fresh container is
 *       served after one scrape;</li>
 *   <li>a container whose start time is not before its stored point (it restarted, its counter
 *       reset) loses its previous point, and its pod is not served until the next scrape;</li>
 *   <li>pods missing from a batch are dropped.</li>
 * </ul>
 * A pod is served only when every container of its last point has a previous one. Not
 * thread-safe: {@link MetricsStorage} guards it.
 */
final class PodStorage {
    private static final Logger LOG = LoggerFactory.getLogger(PodStorage.class);
    /** metrics-server's {@code freshContainerMinMetricsResolution}. */
    static final Duration FRESH_CONTAINER_MIN_RESOLUTION = Duration.ofSeconds(10);

    private final Duration resolution;
    private Map<PodRef, Map<String, MetricsPoint>> last = Map.of();
    private Map<PodRef, Map<String, MetricsPoint>> prev = Map.of();

    PodStorage(Duration resolution) {
        this.resolution = resolution;
    }

    void store(Map<PodRef, Map<String, MetricsPoint>> batch) {
        Map<PodRef, Map<String, MetricsPoint>> newLast = new HashMap<>();
        Map<PodRef, Map<String, MetricsPoint>> newPrev = new HashMap<>();
        batch.forEach((pod, containers) -> {
            Map<String, MetricsPoint> podPrev = new HashMap<>();
            Map<String, MetricsPoint> storedLast = last.getOrDefault(pod, Map.of());
            Map<String, MetricsPoint> storedPrev = prev.getOrDefault(pod, Map.of());
            containers.forEach((name, point) -> {
                Duration age = Duration.between(point.startTime(), point.timestamp());
                if (point.startTime().isBefore(point.timestamp())
                        && age.compareTo(resolution) < 0
                        && age.compareTo(FRESH_CONTAINER_MIN_RESOLUTION) >= 0) {
                    podPrev.put(name, new MetricsPoint(point.startTime(), point.startTime(), 0, point.memoryUsage()));
                    return;
                }
                MetricsPoint stored = storedLast.get(name);
                // a start at or after the stored point: the container restarted, its counter is new
                if (stored == null || !point.startTime().isBefore(stored.timestamp())) {
                    if (stored != null) {
                        LOG.info("container {}/{} restarted: its usage waits for the next scrape", pod, name);
                    }
                    return;
                }
                if (point.timestamp().isAfter(stored.timestamp())) {
                    podPrev.put(name, stored);
                } else {
                    MetricsPoint p = storedPrev.get(name);
                    if (p != null && p.timestamp().isBefore(point.timestamp())) {
                        podPrev.put(name, p);
                    }
                }
            });
            if (!podPrev.isEmpty()) {
                newPrev.put(pod, podPrev);
            }
            newLast.put(pod, Map.copyOf(containers));
        });
        last = newLast;
        prev = newPrev;
    }

    /** Whether some pod has a container with two points. */
    boolean hasPrevious() {
        return !prev.isEmpty();
    }

    /**
     * The pod's usage per container (sorted by name) and its time info (the earliest container
     * timestamp, with that container's window), or null unless every container has two points.
     */
    PodUsage usage(PodRef pod) {
        Map<String, MetricsPoint> l = last.get(pod);
        Map<String, MetricsPoint> p = prev.get(pod);
        if (l == null || p == null) {
            return null;
        }
        Map<String, Usage> out = new TreeMap<>();
        Usage earliest = null;
        for (Map.Entry<String, MetricsPoint> e : l.entrySet()) {
            MetricsPoint pp = p.get(e.getKey());
            if (pp == null) {
                return null;
            }
            Usage u = Usage.between(e.getValue(), pp);
            if (u == null) {
                LOG.warn("container {}/{}: skipping usage, cumulative CPU usage decreased", pod, e.getKey());
                continue;
            }
            out.put(e.getKey(), u);
            if (earliest == null || earliest.timestamp().isAfter(u.timestamp())) {
                earliest = u;
            }
        }
        return earliest == null && !l.isEmpty() ? null : new PodUsage(out, earliest);
    }

    /** A pod's containers' usage and the time info served for the pod (null for a pod without containers). */
    record PodUsage(Map<String, Usage> containers, Usage timeInfo) {}
}
