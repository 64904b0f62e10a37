package io.kubelite.controllers.util;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;

import java.util.Map;

/** Label selector matching with Kubernetes' semantics. */
public final class Selectors {
    private Selectors() {
    }

    /**
     * True when {@code labels} satisfy {@code sel}. An empty selector matches everything,
     * as in Kubernetes' {@code metav1.LabelSelectorAsSelector} (callers that must not
     * match everything, like the ReplicaSet controller, check {@link #isEmpty} first).
     */
    public static boolean matches(LabelSelector sel, Map<String, String> labels) {
        for (Map.Entry<String, String> e : sel.getMatchLabelsMap().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement r : sel.getMatchExpressionsList()) {
            String v = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> v != null && r.getValuesList().contains(v);
                case "NotIn" -> v == null || !r.getValuesList().contains(v);
                case "Exists" -> v != null;
                case "DoesNotExist" -> v == null;
                default -> false; // an invalid operator matches nothing
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A Service-style selector: every pair must be present. An empty map matches nothing here (no selector). */
    public static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isEmpty(LabelSelector sel) {
        return sel.getMatchLabelsCount() == 0 && sel.getMatchExpressionsCount() == 0;
    }
}
