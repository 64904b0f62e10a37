package io.kubelite.dashboard.view.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.labels.Requirement;
import io.kubelite.api.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One topologySpreadConstraint as a pod declares it, resolved the way the scheduler resolves it
 * (kube's PodTopologySpread, kubelite's {@code scheduler.plugins.PodTopologySpread}): its
 * labelSelector ANDed with the pod's own values of {@code matchLabelKeys}, whenUnsatisfiable
 * defaulting to DoNotSchedule, minDomains to 1, nodeAffinityPolicy to Honor and nodeTaintsPolicy
 * to Ignore. {@link #identity} is equal for constraints that count the same thing, so many pods of
 * one workload show as one constraint.
 *
 * @param hardKeys every DoNotSchedule constraint's topologyKey of the declaring pod: the scheduler
 *     counts only nodes that carry all of them
 */
record SpreadConstraint(
        String namespace,
        String topologyKey,
        int maxSkew,
        String whenUnsatisfiable,
        int minDomains,
        String nodeAffinityPolicy,
        String nodeTaintsPolicy,
        String selectorText,
        Selector selector,
        List<String> hardKeys,
        JsonNode declaringPod,
        String identity) {

    /** The constraints {@code pod} declares, resolved. */
    static List<SpreadConstraint> of(JsonNode pod, Map<String, String> podLabels) {
        JsonNode list = pod.path("spec").path("topologySpreadConstraints");
        List<String> hardKeys = new ArrayList<>();
        for (JsonNode c : list) {
            if (when(c).equals("DoNotSchedule")) {
                hardKeys.add(c.path("topologyKey").asText());
            }
        }
        String ns = pod.path("metadata").path("namespace").asText();
        List<SpreadConstraint> out = new ArrayList<>();
        for (JsonNode c : list) {
            JsonNode ls = c.path("labelSelector");
            Selector selector = ls.isObject() ? selector(ls) : Selector.nothing();
            Map<String, String> exact = new TreeMap<>();
            if (ls.isObject()) {
                for (String k : NodeInclusion.strings(c.path("matchLabelKeys"))) {
                    String v = podLabels.get(k);
                    if (v != null) {
                        exact.put(k, v);
                    }
                }
                selector = selector.and(exact);
            }
            String text = ls.isObject() ? selectorText(ls, exact) : "(none: matches no pods)";
            int minDomains = Math.max(1, c.path("minDomains").asInt(1));
            String affinity = c.path("nodeAffinityPolicy").asText("Honor");
            String taints = c.path("nodeTaintsPolicy").asText("Ignore");
            String when = when(c);
            JsonNode spec = pod.path("spec");
            String identity = String.join(
                    "\u0000",
                    ns,
                    c.path("topologyKey").asText(),
                    String.valueOf(c.path("maxSkew").asInt(1)),
                    when,
                    String.valueOf(minDomains),
                    affinity,
                    taints,
                    text,
                    when.equals("DoNotSchedule") ? String.join(",", hardKeys) : "",
                    affinity.equals("Ignore")
                            ? ""
                            : spec.path("nodeSelector").toString()
                                    + spec.path("affinity").path("nodeAffinity"),
                    taints.equals("Honor") ? spec.path("tolerations").toString() : "");
            out.add(new SpreadConstraint(
                    ns,
                    c.path("topologyKey").asText(),
                    Math.max(1, c.path("maxSkew").asInt(1)),
                    when,
                    minDomains,
                    affinity,
                    taints,
                    text,
                    selector,
                    when.equals("DoNotSchedule")
                            ? List.copyOf(hardKeys)
                            : List.of(c.path("topologyKey").asText()),
                    pod,
                    identity));
        }
        return out;
    }

    /** Whether the scheduler counts {@code node} for this constraint. */
    boolean counts(JsonNode node, Map<String, String> nodeLabels, Predicate<JsonNode> requiredAffinity) {
        for (String k : hardKeys) {
            if (!nodeLabels.containsKey(k)) {
                return false;
            }
        }
        if (!nodeLabels.containsKey(topologyKey)) {
            return false;
        }
        if (!nodeAffinityPolicy.equals("Ignore") && !requiredAffinity.test(node)) {
            return false;
        }
        return !nodeTaintsPolicy.equals("Honor") || NodeInclusion.toleratesScheduleTaints(declaringPod, node);
    }

    /** Whether the scheduler counts {@code pod} (bound, not terminating, same namespace, selected). */
    boolean counts(JsonNode pod, Map<String, String> podLabels) {
        JsonNode meta = pod.path("metadata");
        return !meta.has("deletionTimestamp")
                && meta.path("namespace").asText().equals(namespace)
                && selector.matches(podLabels);
    }

    private static String when(JsonNode c) {
        String w = c.path("whenUnsatisfiable").asText("");
        return w.isEmpty() ? "DoNotSchedule" : w;
    }

    /** A metav1.LabelSelector as a Selector; an unknown operator selects nothing, as in the scheduler. */
    static Selector selector(JsonNode ls) {
        List<Requirement> reqs = new ArrayList<>();
        ls.path("matchLabels")
                .fields()
                .forEachRemaining(
                        e -> reqs.add(Requirement.equal(e.getKey(), e.getValue().asText())));
        for (JsonNode e : ls.path("matchExpressions")) {
            Requirement r = Requirement.ofExpression(
                    e.path("key").asText(),
                    e.path("operator").asText(),
                    NodeInclusion.strings(e.path("values")),
                    false);
            if (r == null) {
                return Selector.nothing();
            }
            reqs.add(r);
        }
        return Selector.of(reqs);
    }

    /** The selector in kubectl's string form, with the matchLabelKeys values it was ANDed with. */
    private static String selectorText(JsonNode ls, Map<String, String> exact) {
        List<String> parts = new ArrayList<>();
        new TreeMap<String, String>(toMap(ls.path("matchLabels"))).forEach((k, v) -> parts.add(k + "=" + v));
        for (JsonNode e : ls.path("matchExpressions")) {
            String key = e.path("key").asText();
            String values = String.join(",", NodeInclusion.strings(e.path("values")));
            parts.add(
                    switch (e.path("operator").asText()) {
                        case "In" -> key + " in (" + values + ")";
                        case "NotIn" -> key + " notin (" + values + ")";
                        case "Exists" -> key;
                        case "DoesNotExist" -> "!" + key;
                        default -> key + " " + e.path("operator").asText() + " (" + values + ")";
                    });
        }
        exact.forEach((k, v) -> parts.add(k + "=" + v + " (matchLabelKeys)"));
        return parts.isEmpty() ? "(empty: every pod)" : String.join(",", parts);
    }

    static Map<String, String> toMap(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
