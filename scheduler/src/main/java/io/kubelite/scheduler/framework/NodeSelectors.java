package io.kubelite.scheduler.framework;

import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.labels.Requirement;
import io.kubelite.api.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Kubernetes' node selectors (required node affinity, preferred terms), compiled once into
 * predicates over a node, on the shared label {@link Selector}: {@code matchExpressions}
 * over the node's labels (with the numeric {@code Gt}/{@code Lt}) and {@code matchFields}
 * over {@code metadata.name}.
 */
public final class NodeSelectors {
    private NodeSelectors() {}

    /**
     * A node selector term: matchExpressions and matchFields, all ANDed. An empty term, an
     * unknown operator and a field other than {@code metadata.name} match nothing.
     */
    public static Predicate<NodeInfo> nodeSelectorTerm(NodeSelectorTerm t) {
        if (t.getMatchExpressionsCount() == 0 && t.getMatchFieldsCount() == 0) {
            return n -> false;
        }
        Selector labels = compile(t.getMatchExpressionsList(), true);
        if (t.getMatchFieldsCount() == 0) {
            return n -> labels.matches(n.labels());
        }
        boolean nameOnly =
                t.getMatchFieldsList().stream().allMatch(r -> r.getKey().equals("metadata.name"));
        Selector fields = nameOnly ? compile(t.getMatchFieldsList(), false) : Selector.nothing();
        return n -> labels.matches(n.labels()) && fields.matches(Map.of("metadata.name", n.name()));
    }

    /** A required node selector: its terms ORed; no terms matches nothing. */
    public static Predicate<NodeInfo> nodeSelector(NodeSelector s) {
        List<Predicate<NodeInfo>> terms = new ArrayList<>();
        for (NodeSelectorTerm t : s.getNodeSelectorTermsList()) {
            terms.add(nodeSelectorTerm(t));
        }
        return n -> {
            for (Predicate<NodeInfo> t : terms) {
                if (t.test(n)) {
                    return true;
                }
            }
            return false;
        };
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
