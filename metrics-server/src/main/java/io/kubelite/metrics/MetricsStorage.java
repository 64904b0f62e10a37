package io.kubelite.metrics;

import java.time.Duration;

/**
 * metrics-server's in-memory storage: the last two points of every node and container, replaced
 * as a whole by each scrape cycle's batch. Thread-safe: one writer (the scrape loop), many
 * readers (API requests).
 */
public final class MetricsStorage {
    private final NodeStorage nodes = new NodeStorage();
    private final PodStorage pods;

    /** {@code resolution} is the scrape interval (fresh containers younger than it are served at once). */
    public MetricsStorage(Duration resolution) {
        this.pods = new PodStorage(resolution);
    }

    public synchronized void store(MetricsBatch batch) {
        nodes.store(batch.nodes());
        pods.store(batch.pods());
    }

    /**
     * metrics-server's {@code storage.Ready}: some node or pod has two points, so a usage can be
     * served (after the second scrape cycle that reached a kubelet, or the first for fresh
     * containers). Its readiness check is this.
     */
    public synchronized boolean ready() {
        return nodes.hasPrevious() || pods.hasPrevious();
    }

    /** The node's usage, or null while it has fewer than two usable points. */
    public synchronized Usage node(String name) {
        return nodes.usage(name);
    }

    /** The pod's usage, or null unless all its containers have two usable points. */
    public synchronized PodStorage.PodUsage pod(PodRef ref) {
        return pods.usage(ref);
    }
}
