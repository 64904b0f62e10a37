package io.kubelite.scheduler.framework;

import io.kubelite.api.labels.Selector;
import java.util.Map;
import java.util.Set;

/**
 * Matching pods per topology domain, kept current as pods and nodes come and go, so that
 * PodTopologySpread need not recount every pod on every node for each pod it schedules.
 * Implemented by the scheduler cache; {@link #NONE} keeps nothing (the plugin counts).
 */
public interface TopologySpreadCounts {
    /** Keeps nothing: {@link #counts} is always null. */
    TopologySpreadCounts NONE = (selectorKey, namespace, selector, topologyKey, requiredKeys) -> null;

    /**
     * For the pods of {@code namespace} that {@code selector} matches and that are not
     * terminating: their number per value of {@code topologyKey}, over the nodes (those
     * with a Node object) carrying every label key in {@code requiredKeys}. Every such
     * node's domain is present, with 0 when no pod matches. A fresh map the caller owns;
     * null when these counts are not kept.
     *
     * @param selectorKey identifies {@code namespace} and {@code selector}: equal keys must
     *                    mean the same pods match
     */
    Map<String, Integer> counts(
            Object selectorKey, String namespace, Selector selector, String topologyKey, Set<String> requiredKeys);
}
