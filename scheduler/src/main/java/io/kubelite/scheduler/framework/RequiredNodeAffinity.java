package io.kubelite.scheduler.framework;

import io.kubelite.api.PodSpec;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A pod's hard node constraints: {@code spec.nodeSelector} AND
 * {@code requiredDuringSchedulingIgnoredDuringExecution} (terms ORed, expressions ANDed).
 * Shared by NodeAffinity's filter and PodTopologySpread's choice of eligible nodes.
 */
public final class RequiredNodeAffinity {
    private RequiredNodeAffinity() {}

    public static Predicate<NodeInfo> of(PodSpec spec) {
        Map<String, String> sel = Map.copyOf(spec.getNodeSelectorMap());
        Predicate<NodeInfo> bySelector = n -> {
            Map<String, String> labels = n.labels();
            for (Map.Entry<String, String> e : sel.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        };
        if (!spec.hasAffinity()
                || !spec.getAffinity().hasNodeAffinity()
                || !spec.getAffinity().getNodeAffinity().hasRequiredDuringSchedulingIgnoredDuringExecution()) {
            return sel.isEmpty() ? n -> true : bySelector;
        }
        Predicate<NodeInfo> required = NodeSelectors.nodeSelector(
                spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        return sel.isEmpty() ? required : bySelector.and(required);
    }
}
