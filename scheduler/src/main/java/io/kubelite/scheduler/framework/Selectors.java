package io.kubelite.scheduler.framework;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kubernetes' label-selector and node-selector matching, compiled once into predicates
 * over a label map.
 */
public final class Selectors {
    private Selectors() {
    }

    /** Matches every label set. */
    public static final Predicate<Map<String, String>> EVERYTHING = l -> true;
    /** Matches no label set (a null selector). */
    public static final Predicate<Map<String, String>> NOTHING = l -> false;

    /**
     * A metav1.LabelSelector: matchLabels and matchExpressions ANDed; empty selects
     * everything. An operator outside In/NotIn/Exists/DoesNotExist selects nothing.
     */
    public static Predicate<Map<String, String>> labelSelector(LabelSelector s) {
        List<Predicate<Map<String, String>>> parts = new ArrayList<>();
        for (Map.Entry<String, String> e : s.getMatchLabelsMap().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            parts.add(l -> v.equals(l.get(k)));
        }
        for (LabelSelectorRequirement r : s.getMatchExpressionsList()) {
            parts.add(requirement(r.getKey(), r.getOperator(), r.getValuesList(), false));
        }
        return and(parts, EVERYTHING);
    }

    /** A selector plus {@code key In [value]} requirements (topology spread's matchLabelKeys). */
    public static Predicate<Map<String, String>> withExactLabels(Predicate<Map<String, String>> base,
                                                                 Map<String, String> exact) {
        if (exact.isEmpty()) {
            return base;
        }
        Map<String, String> copy = Map.copyOf(exact);
        return l -> {
            for (Map.Entry<String, String> e : copy.entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) {
                    return false;
                }
            }
            return base.test(l);
        };
    }

    /**
     * One requirement. NotIn and DoesNotExist match a missing key, as in Kubernetes;
     * Gt and Lt (node selectors only, {@code numeric}) compare the label as an integer with
     * the single value and never match a missing or non-integer label.
     */
    static Predicate<Map<String, String>> requirement(String key, String op, List<String> values, boolean numeric) {
        Set<String> vs = Set.copyOf(values);
        switch (op) {
            case "In":
                return l -> {
                    String v = l.get(key);
                    return v != null && vs.contains(v);
                };
            case "NotIn":
                return l -> {
                    String v = l.get(key);
                    return v == null || !vs.contains(v);
                };
            case "Exists":
                return l -> l.containsKey(key);
            case "DoesNotExist":
                return l -> !l.containsKey(key);
            case "Gt":
            case "Lt":
                if (!numeric || values.size() != 1) {
                    return NOTHING;
                }
                long bound;
                try {
                    bound = Long.parseLong(values.get(0));
                } catch (NumberFormatException e) {
                    return NOTHING;
                }
                boolean gt = op.equals("Gt");
                return l -> {
                    String v = l.get(key);
                    if (v == null) {
                        return false;
                    }
                    try {
                        long n = Long.parseLong(v);
                        return gt ? n > bound : n < bound;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                };
            default:
                return NOTHING;
        }
    }

    /**
     * A node selector term: matchExpressions over the node's labels and matchFields over
     * {@code metadata.name}, all ANDed. An empty term matches nothing.
     */
    public static Predicate<NodeInfo> nodeSelectorTerm(NodeSelectorTerm t) {
        if (t.getMatchExpressionsCount() == 0 && t.getMatchFieldsCount() == 0) {
            return n -> false;
        }
        List<Predicate<Map<String, String>>> labels = new ArrayList<>();
        for (NodeSelectorRequirement r : t.getMatchExpressionsList()) {
            labels.add(requirement(r.getKey(), r.getOperator(), r.getValuesList(), true));
        }
        List<Predicate<Map<String, String>>> fields = new ArrayList<>();
        for (NodeSelectorRequirement r : t.getMatchFieldsList()) {
            if (!r.getKey().equals("metadata.name")) {
                fields.add(NOTHING);
            } else {
                fields.add(requirement(r.getKey(), r.getOperator(), r.getValuesList(), false));
            }
        }
        Predicate<Map<String, String>> lp = and(labels, EVERYTHING);
        Predicate<Map<String, String>> fp = and(fields, EVERYTHING);
        boolean hasFields = !fields.isEmpty();
        return n -> lp.test(n.labels()) && (!hasFields || fp.test(Map.of("metadata.name", n.name())));
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

    private static <T> Predicate<T> and(List<Predicate<T>> parts, Predicate<T> empty) {
        if (parts.isEmpty()) {
            return empty;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Predicate<T>> copy = List.copyOf(parts);
        return x -> {
            for (Predicate<T> p : copy) {
                if (!p.test(x)) {
                    return false;
                }
            }
            return true;
        };
    }
}
