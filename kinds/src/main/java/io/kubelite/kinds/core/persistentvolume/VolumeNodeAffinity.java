package io.kubelite.kinds.core.persistentvolume;

import io.kubelite.api.Node;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.labels.Requirement;
import io.kubelite.api.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code CheckNodeAffinity} of a PersistentVolume: a volume without
 * {@code spec.nodeAffinity.required} is reachable from every node; otherwise from the nodes one
 * of its terms matches (expressions over the node's labels, fields over
 * {@code metadata.name}; an empty term matches nothing). The scheduler's volume binding filter
 * and the PV controller share it.
 */
public final class VolumeNodeAffinity {
    private VolumeNodeAffinity() {}

    /** Whether {@code pv} may be used from {@code node}. */
    public static boolean allows(PersistentVolume pv, Node node) {
        return allows(pv, node.getMetadata().getName(), node.getMetadata().getLabelsMap());
    }

    /** Whether {@code pv} may be used from the node {@code nodeName} with {@code labels}. */
    public static boolean allows(PersistentVolume pv, String nodeName, Map<String, String> labels) {
        if (!pv.getSpec().hasNodeAffinity() || !pv.getSpec().getNodeAffinity().hasRequired()) {
            return true;
        }
        for (NodeSelectorTerm t : pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTermsList()) {
            if (matches(t, nodeName, labels)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(NodeSelectorTerm t, String nodeName, Map<String, String> labels) {
        if (t.getMatchExpressionsCount() == 0 && t.getMatchFieldsCount() == 0) {
            return false;
        }
        if (!compile(t.getMatchExpressionsList(), true).matches(labels)) {
            return false;
        }
        for (NodeSelectorRequirement r : t.getMatchFieldsList()) {
            if (!r.getKey().equals("metadata.name")) {
                return false;
            }
        }
        return compile(t.getMatchFieldsList(), false).matches(Map.of("metadata.name", nodeName));
    }

    private static Selector compile(List<NodeSelectorRequirement> rs, boolean numeric) {
        List<Requirement> reqs = new ArrayList<>(rs.size());
        for (NodeSelectorRequirement r : rs) {
            Requirement req = Requirement.ofExpression(r.getKey(), r.getOperator(), r.getValuesList(), numeric);
            if (req == null) {
                return Selector.nothing();
            }
            reqs.add(req);
        }
        return Selector.of(reqs);
    }
}
