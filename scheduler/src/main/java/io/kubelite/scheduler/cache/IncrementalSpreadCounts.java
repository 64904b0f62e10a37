package io.kubelite.scheduler.cache;

import io.kubelite.api.labels.Selector;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.TopologySpreadCounts;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The scheduler cache's {@link TopologySpreadCounts}: one {@link SpreadCountIndex} per
 * (selector, topology key, required keys) asked for, built by one pass over the nodes the
 * first time and from then on updated by the cache on every pod add, remove and assume
 * and every node (re)label or removal. The {@value #MAX_INDEXES} most recently used are
 * kept; a dropped one is rebuilt when asked for again.
 *
 * <p>Thread-safe through the cache's lock, which every method takes (the cache calls the
 * update methods already holding it).
 */
final class IncrementalSpreadCounts implements TopologySpreadCounts {
    static final int MAX_INDEXES = 64;

    private final Object lock;
    private final Supplier<Collection<NodeInfo>> nodes;
    private final Map<Object, SpreadCountIndex> indexes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, SpreadCountIndex> eldest) {
            return size() > MAX_INDEXES;
        }
    };

    IncrementalSpreadCounts(Object lock, Supplier<Collection<NodeInfo>> nodes) {
        this.lock = lock;
        this.nodes = nodes;
    }

    @Override
    public Map<String, Integer> counts(
            Object selectorKey, String namespace, Selector selector, String topologyKey, Set<String> requiredKeys) {
        synchronized (lock) {
            Object key = List.of(selectorKey, topologyKey, new TreeSet<>(requiredKeys));
            SpreadCountIndex idx = indexes.get(key);
            if (idx == null) {
                idx = new SpreadCountIndex(namespace, selector, topologyKey, requiredKeys);
                for (NodeInfo n : nodes.get()) {
                    idx.nodeAdded(n);
                }
                indexes.put(key, idx);
            }
            return idx.counts();
        }
    }

    int indexCount() {
        synchronized (lock) {
            return indexes.size();
        }
    }

    void nodeAdded(NodeInfo n) {
        for (SpreadCountIndex i : indexes.values()) {
            i.nodeAdded(n);
        }
    }

    void nodeRemoved(NodeInfo n) {
        for (SpreadCountIndex i : indexes.values()) {
            i.nodeRemoved(n);
        }
    }

    void podAdded(NodeInfo n, PodInfo p) {
        for (SpreadCountIndex i : indexes.values()) {
            i.podAdded(n, p);
        }
    }

    void podRemoved(NodeInfo n, PodInfo p) {
        for (SpreadCountIndex i : indexes.values()) {
            i.podRemoved(n, p);
        }
    }
}
