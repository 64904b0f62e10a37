package io.kubelite.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Why a pod fits no node, summarised as kube-scheduler does:
 * {@code 0/4 nodes are available: 2 Insufficient cpu, 2 node(s) didn't match pod topology spread constraints.}
 * Each node contributes the reasons of the first filter that rejected it; the
 * "count reason" strings are sorted as strings (Go's sort.Strings), as kube-scheduler does.
 *
 * @param numAllNodes          nodes considered
 * @param reasonCounts         reason → number of nodes rejected with it
 * @param unschedulablePlugins the plugins that rejected some node (decides which cluster events requeue the pod)
 */
public record FitError(
        int numAllNodes, Map<String, Integer> reasonCounts, Set<String> unschedulablePlugins, String preFilterMessage) {
    public static final String NO_NODES = "no nodes available to schedule pods";

    public FitError {
        reasonCounts = Collections.unmodifiableMap(new TreeMap<>(reasonCounts));
        unschedulablePlugins = Set.copyOf(unschedulablePlugins);
    }

    public String message() {
        if (numAllNodes == 0) {
            return NO_NODES;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("0/").append(numAllNodes).append(" nodes are available:");
        if (preFilterMessage != null && !preFilterMessage.isEmpty()) {
            sb.append(' ').append(preFilterMessage).append('.');
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : reasonCounts.entrySet()) {
            parts.add(e.getValue() + " " + e.getKey());
        }
        // byte-wise like Go's sort.Strings ("10 x" sorts before "2 y", upper case before lower)
        parts.sort(String::compareTo);
        if (!parts.isEmpty()) {
            sb.append(' ').append(String.join(", ", parts)).append('.');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
