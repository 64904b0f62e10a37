package io.kubelite.metrics;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last two points of every node, as metrics-server's {@code nodeStorage}: a new batch replaces
 * everything (nodes missing from it are dropped); a node's stored point becomes its previous one
 * when the new point is later, else the previous one is kept if still older than the new point.
 * Not thread-safe: {@link MetricsStorage} guards it.
 */
final class NodeStorage {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStorage.class);

    private Map<String, MetricsPoint> last = Map.of();
    private Map<String, MetricsPoint> prev = Map.of();

    void store(Map<String, MetricsPoint> batch) {
        Map<String, MetricsPoint> newLast = new HashMap<>();
        Map<String, MetricsPoint> newPrev = new HashMap<>();
        batch.forEach((node, point) -> {
            newLast.put(node, point);
            MetricsPoint stored = last.get(node);
            if (stored == null) {
                return;
            }
            if (point.timestamp().isAfter(stored.timestamp())) {
                newPrev.put(node, stored);
            } else {
                MetricsPoint p = prev.get(node);
                if (p != null && p.timestamp().isBefore(point.timestamp())) {
                    newPrev.put(node, p);
                } else if (p != null) {
                    LOG.debug("node {}: new point older than the stored previous one, previous dropped", node);
                }
            }
        });
        last = newLast;
        prev = newPrev;
    }

    /** Whether some node has two points (a usage can be served). */
    boolean hasPrevious() {
        return !prev.isEmpty();
    }

    /** The node's usage, or null until it has two usable points. */
    Usage usage(String node) {
        MetricsPoint l = last.get(node);
        MetricsPoint p = prev.get(node);
        if (l == null || p == null) {
            return null;
        }
        Usage u = Usage.between(l, p);
        if (u == null) {
            LOG.warn("node {}: skipping usage, cumulative CPU usage decreased", node);
        }
        return u;
    }
}
