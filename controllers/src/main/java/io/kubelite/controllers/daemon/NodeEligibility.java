package io.kubelite.controllers.daemon;

import io.kubelite.api.DaemonSet;
import io.kubelite.api.Node;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.api.labels.Requirement;
import io.kubelite.api.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code NodeShouldRunDaemonPod} (pkg/controller/daemon): whether a DaemonSet's pod should be
 * created on a node ({@link #shouldRun}) and whether one already there may stay
 * ({@link #shouldContinueRunning}). The pod is judged as the scheduler would judge it: the template's
 * {@code nodeName} (if any), {@code nodeSelector}, required node affinity, and the node's
 * NoSchedule/NoExecute taints against the template's tolerations plus the ones the controller adds
 * ({@link DaemonPods#tolerations}). A pod on a node with an untolerated NoSchedule taint keeps
 * running (NoSchedule does not evict); an untolerated NoExecute taint removes it.
 */
record NodeEligibility(boolean shouldRun, boolean shouldContinueRunning) {
    static final NodeEligibility NO = new NodeEligibility(false, false);
    static final NodeEligibility YES = new NodeEligibility(true, true);

    static NodeEligibility of(Node node, DaemonSet ds) {
        PodSpec spec = DaemonPods.withTolerations(ds.getSpec().getTemplate().getSpec());
        String name = node.getMetadata().getName();
        if (!spec.getNodeName().isEmpty() && !spec.getNodeName().equals(name)) {
            return NO;
        }
        if (!matchesNodeSelector(spec, node) || !matchesRequiredAffinity(spec, node)) {
            return NO;
        }
        List<Toleration> tols = spec.getTolerationsList();
        boolean untolerated = false;
        boolean untoleratedNoExecute = false;
        for (Taint t : node.getSpec().getTaintsList()) {
            boolean effective =
                    t.getEffect().equals("NoSchedule") || t.getEffect().equals("NoExecute");
            if (effective && !tolerated(tols, t)) {
                untolerated = true;
                untoleratedNoExecute |= t.getEffect().equals("NoExecute");
            }
        }
        if (untolerated) {
            return new NodeEligibility(false, !untoleratedNoExecute);
        }
        return YES;
    }

    static boolean matchesNodeSelector(PodSpec spec, Node node) {
        Map<String, String> labels = node.getMetadata().getLabelsMap();
        for (Map.Entry<String, String> e : spec.getNodeSelectorMap().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Required node affinity: terms ORed, each term's expressions and fields ANDed; an empty term matches nothing. */
    static boolean matchesRequiredAffinity(PodSpec spec, Node node) {
        if (!spec.hasAffinity()
                || !spec.getAffinity().hasNodeAffinity()
                || !spec.getAffinity().getNodeAffinity().hasRequiredDuringSchedulingIgnoredDuringExecution()) {
            return true;
        }
        NodeSelector sel = spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        for (NodeSelectorTerm t : sel.getNodeSelectorTermsList()) {
            if (matches(t, node)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(NodeSelectorTerm t, Node node) {
        if (t.getMatchExpressionsCount() == 0 && t.getMatchFieldsCount() == 0) {
            return false;
        }
        Selector labels = compile(t.getMatchExpressionsList(), true);
        if (!labels.matches(node.getMetadata().getLabelsMap())) {
            return false;
        }
        for (NodeSelectorRequirement r : t.getMatchFieldsList()) {
            if (!r.getKey().equals("metadata.name")) {
                return false;
            }
        }
        Selector fields = compile(t.getMatchFieldsList(), false);
        return fields.matches(Map.of("metadata.name", node.getMetadata().getName()));
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

    /** kube's {@code Toleration.ToleratesTaint}. */
    static boolean tolerated(List<Toleration> tols, Taint taint) {
        for (Toleration t : tols) {
            if (!t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
                continue;
            }
            if (!t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
                continue;
            }
            switch (t.getOperator()) {
                case "", "Equal" -> {
                    if (t.getValue().equals(taint.getValue())) {
                        return true;
                    }
                }
                case "Exists" -> {
                    return true;
                }
                default -> {}
            }
        }
        return false;
    }
}
