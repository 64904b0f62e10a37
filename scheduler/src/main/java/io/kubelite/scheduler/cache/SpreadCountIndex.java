package io.kubelite.scheduler.cache;

import io.kubelite.api.labels.Selector;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One topology spread count kept incrementally: for the non-terminating pods of one
 * namespace matching one selector, their number per domain (value of the topology key)
 * over the nodes that carry every required key, plus how many such nodes each domain
 * has (a domain disappears with its last node). Told of every node and pod change by
 * {@link IncrementalSpreadCounts}; not thread-safe (the cache's lock guards it).
 */
final class SpreadCountIndex {
    /** Per domain: eligible nodes, matching pods on them. */
    private static final class Domain {
        int nodes;
        int matching;
    }

    private final String namespace;
    private final Selector selector;
    private final String topologyKey;
    private final Set<String> requiredKeys;
    private final Map<String, Domain> domains = new HashMap<>();

    SpreadCountIndex(String namespace, Selector selector, String topologyKey, Set<String> requiredKeys) {
        this.namespace = namespace;
        this.selector = selector;
        this.topologyKey = topologyKey;
        this.requiredKeys = Set.copyOf(requiredKeys);
    }

    private boolean matches(PodInfo p) {
        return !p.terminating() && p.namespace().equals(namespace) && selector.matches(p.labels());
    }

    /** The node's domain, or null if it is not counted (no Node object, or a key missing). */
    private String domainOf(NodeInfo n) {
        if (n.node() == null) {
            return null;
        }
        for (String k : requiredKeys) {
            if (n.label(k) == null) {
                return null;
            }
        }
        return n.label(topologyKey);
    }

    private int matchingOn(NodeInfo n) {
        int m = 0;
        for (PodInfo p : n.pods()) {
            if (matches(p)) {
                m++;
            }
        }
        return m;
    }

    /** {@code n} (with its current labels and pods) now counts. */
    void nodeAdded(NodeInfo n) {
        String d = domainOf(n);
        if (d == null) {
            return;
        }
        Domain dom = domains.computeIfAbsent(d, k -> new Domain());
        dom.nodes++;
        dom.matching += matchingOn(n);
    }

    /** {@code n} (with the labels and pods it was counted with) no longer counts. */
    void nodeRemoved(NodeInfo n) {
        String d = domainOf(n);
        if (d == null) {
            return;
        }
        Domain dom = domains.get(d);
        dom.nodes--;
        dom.matching -= matchingOn(n);
        if (dom.nodes == 0) {
            domains.remove(d);
        }
    }

    void podAdded(NodeInfo n, PodInfo p) {
        if (!matches(p)) {
            return;
        }
        String d = domainOf(n);
        if (d != null) {
            domains.get(d).matching++;
        }
    }

    void podRemoved(NodeInfo n, PodInfo p) {
        if (!matches(p)) {
            return;
        }
        String d = domainOf(n);
        if (d != null) {
            domains.get(d).matching--;
        }
    }

    Map<String, Integer> counts() {
        Map<String, Integer> out = new HashMap<>(domains.size() * 2);
        for (Map.Entry<String, Domain> e : domains.entrySet()) {
            out.put(e.getKey(), e.getValue().matching);
        }
        return out;
    }
}
