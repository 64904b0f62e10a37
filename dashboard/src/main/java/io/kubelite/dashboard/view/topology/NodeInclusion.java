package io.kubelite.dashboard.view.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.labels.Requirement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which nodes a topology spread constraint counts, as kube's PodTopologySpread and kubelite's
 * scheduler decide it: a node must carry the constraint's topologyKey; with nodeAffinityPolicy
 * Honor (the default) it must pass the declaring pod's nodeSelector and required node affinity;
 * with nodeTaintsPolicy Honor (the default is Ignore) the pod must tolerate its NoSchedule and
 * NoExecute taints. Works on the API server's JSON, since the dashboard holds no protobuf objects.
 */
final class NodeInclusion {
    private NodeInclusion() {}

    /** The node's labels as a map. */
    static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        node.path("metadata")
                .path("labels")
                .fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** The pod's nodeSelector and required node affinity, as one predicate over nodes. */
    static Predicate<JsonNode> requiredAffinity(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        Map<String, String> selector = new HashMap<>();
        spec.path("nodeSelector")
                .fields()
                .forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
        JsonNode terms = spec.path("affinity")
                .path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms");
        return node -> {
            Map<String, String> labels = labels(node);
            for (Map.Entry<String, String> e : selector.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            if (!terms.isArray() || terms.isEmpty()) {
                return true;
            }
            for (JsonNode term : terms) { // terms are ORed
                if (termMatches(term, labels, node.path("metadata").path("name").asText())) {
                    return true;
                }
            }
            return false;
        };
    }

    /** One nodeSelectorTerm: its expressions and fields ANDed; an empty term matches nothing (as kube's). */
    private static boolean termMatches(JsonNode term, Map<String, String> labels, String nodeName) {
        JsonNode exprs = term.path("matchExpressions");
        JsonNode fields = term.path("matchFields");
        if (exprs.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (JsonNode e : exprs) {
            Requirement r = Requirement.ofExpression(
                    e.path("key").asText(), e.path("operator").asText(), strings(e.path("values")), true);
            if (r == null || !r.matches(labels)) {
                return false;
            }
        }
        for (JsonNode f : fields) {
            // metadata.name is the only field node selectors support
            Requirement r = Requirement.ofExpression(
                    f.path("key").asText(), f.path("operator").asText(), strings(f.path("values")), false);
            if (r == null
                    || !f.path("key").asText().equals("metadata.name")
                    || !r.matches(Map.of("metadata.name", nodeName))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code pod} tolerates every NoSchedule and NoExecute taint of {@code node}. */
    static boolean toleratesScheduleTaints(JsonNode pod, JsonNode node) {
        for (JsonNode taint : node.path("spec").path("taints")) {
            String effect = taint.path("effect").asText();
            if (!effect.equals("NoSchedule") && !effect.equals("NoExecute")) {
                continue;
            }
            boolean tolerated = false;
            for (JsonNode t : pod.path("spec").path("tolerations")) {
                if (tolerates(t, taint)) {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) {
                return false;
            }
        }
        return true;
    }

    /** Kubernetes' Toleration.ToleratesTaint. */
    private static boolean tolerates(JsonNode toleration, JsonNode taint) {
        String effect = toleration.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
            return false;
        }
        String key = toleration.path("key").asText("");
        if (!key.isEmpty() && !key.equals(taint.path("key").asText())) {
            return false;
        }
        return switch (toleration.path("operator").asText("Equal")) {
            case "Exists" -> true;
            case "Equal", "" ->
                toleration.path("value").asText("").equals(taint.path("value").asText(""));
            default -> false;
        };
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
