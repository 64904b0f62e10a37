package io.kubelite.dashboard.view.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.labels.Selector;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.dashboard.view.Json;
import io.kubelite.dashboard.view.View;
import io.kubelite.dashboard.view.ViewContext;
import io.kubelite.dashboard.view.ViewModel;
import io.kubelite.dashboard.view.ViewQuery;
import io.kubelite.kinds.autoscaling.scale.ScaleSelectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Topology spread at a glance: for the pods a label selector picks (query parameter {@code
 * selector}, kubectl's syntax; blank = every pod of the namespace filter), one row per node
 * ({@code node/NAME}, with its zone from {@code topology.kubernetes.io/zone} and the matching pods'
 * name, phase, readiness), a row {@code unscheduled} for matching pods not yet bound, and one row
 * per distinct topologySpreadConstraint those pods declare ({@code constraint/N}): who declares it,
 * its key, maxSkew, whenUnsatisfiable, the per-domain counts as the scheduler counts them, the
 * current skew (max - min over eligible domains, min taken as 0 below minDomains) and whether it
 * exceeds maxSkew.
 *
 * <p>The counting mirrors kubelite's scheduler ({@code scheduler.plugins.PodTopologySpread}), which
 * works on protobuf objects and its own node cache; the dashboard holds the API server's JSON, so
 * the rules are restated here ({@link SpreadConstraint}, {@link NodeInclusion}) rather than the
 * scheduler module being pulled into the dashboard.
 */
public final class TopologyView implements View {
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String NO_ZONE = "(no zone)";

    private final ViewContext ctx;

    public TopologyView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "topology";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.NODES, ResourceType.PODS);
    }

    @Override
    public void validate(ViewQuery query) {
        selector(query);
    }

    /** The query's label selector; a syntax error is an IllegalArgumentException saying what is wrong. */
    static Selector selector(ViewQuery query) {
        String text = query.param("selector");
        try {
            return ScaleSelectors.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label selector \"" + text + "\" is not valid: " + e.getMessage());
        }
    }

    @Override
    public ViewModel render(ViewQuery query) {
        Selector selector = selector(query);
        List<JsonNode> nodes =
                new ArrayList<>(ctx.caches().of(ResourceType.NODES).objects());
        List<JsonNode> allPods =
                new ArrayList<>(ctx.caches().of(ResourceType.PODS).objects());
        Map<String, ArrayNode> podsByNode = new HashMap<>();
        ArrayNode unscheduled = Json.MAPPER.createArrayNode();
        Map<String, Group> constraints = new LinkedHashMap<>();
        Map<JsonNode, Map<String, String>> podLabels = new IdentityHashMap<>(); // by object: JsonNode equality is deep
        int matching = 0;
        for (JsonNode pod : sorted(allPods)) {
            Map<String, String> labels =
                    SpreadConstraint.toMap(pod.path("metadata").path("labels"));
            podLabels.put(pod, labels);
            if (!query.includes(pod.path("metadata").path("namespace").asText()) || !selector.matches(labels)) {
                continue;
            }
            matching++;
            String node = pod.path("spec").path("nodeName").asText("");
            (node.isEmpty() ? unscheduled : podsByNode.computeIfAbsent(node, n -> Json.MAPPER.createArrayNode()))
                    .add(chip(pod));
            for (SpreadConstraint c : SpreadConstraint.of(pod, labels)) {
                constraints
                        .computeIfAbsent(c.identity(), k -> new Group(c))
                        .declaredBy
                        .add(owner(pod));
            }
        }
        Map<String, ObjectNode> items = new LinkedHashMap<>();
        Map<String, Integer> zones = new TreeMap<>();
        for (JsonNode node : sorted(nodes)) {
            String name = node.path("metadata").path("name").asText();
            String zone = node.path("metadata").path("labels").path(ZONE_LABEL).asText(NO_ZONE);
            zones.merge(zone, 1, Integer::sum);
            ObjectNode row = Json.object()
                    .put("kind", "node")
                    .put("name", name)
                    .put("zone", zone)
                    .put("ready", readiness(node))
                    .put(
                            "unschedulable",
                            node.path("spec").path("unschedulable").asBoolean(false));
            row.set("pods", podsByNode.getOrDefault(name, Json.MAPPER.createArrayNode()));
            items.put("node/" + name, row);
        }
        if (!unscheduled.isEmpty()) {
            ObjectNode row = Json.object().put("kind", "unscheduled");
            row.set("pods", unscheduled);
            items.put("unscheduled", row);
        }
        int i = 0;
        for (Group g : constraints.values()) {
            items.put("constraint/" + i++, constraintRow(g, nodes, allPods, podLabels));
        }
        ObjectNode summary = Json.object()
                .put("selector", query.param("selector"))
                .put("matching", matching)
                .put("constraints", constraints.size());
        ArrayNode z = summary.putArray("zones");
        zones.forEach((zone, n) -> z.addObject().put("zone", zone).put("nodes", n));
        return new ViewModel(summary, items);
    }

    /** Identical constraints and the workloads that declare them. */
    private static final class Group {
        final SpreadConstraint constraint;
        final TreeSet<String> declaredBy = new TreeSet<>();

        Group(SpreadConstraint constraint) {
            this.constraint = constraint;
        }
    }

    private static ObjectNode constraintRow(
            Group g, List<JsonNode> nodes, List<JsonNode> pods, Map<JsonNode, Map<String, String>> podLabels) {
        SpreadConstraint c = g.constraint;
        Predicate<JsonNode> affinity = NodeInclusion.requiredAffinity(c.declaringPod());
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, String> domainOfNode = new HashMap<>();
        List<String> excluded = new ArrayList<>();
        for (JsonNode node : sorted(nodes)) {
            String name = node.path("metadata").path("name").asText();
            Map<String, String> labels = NodeInclusion.labels(node);
            if (c.counts(node, labels, affinity)) {
                String domain = labels.get(c.topologyKey());
                counts.putIfAbsent(domain, 0);
                domainOfNode.put(name, domain);
            } else {
                excluded.add(name);
            }
        }
        for (JsonNode pod : pods) {
            String domain = domainOfNode.get(pod.path("spec").path("nodeName").asText(""));
            if (domain != null && c.counts(pod, podLabels.get(pod))) {
                counts.merge(domain, 1, Integer::sum);
            }
        }
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int min = counts.size() < c.minDomains()
                ? 0
                : counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        int skew = max - min;
        ObjectNode row = Json.object()
                .put("kind", "constraint")
                .put("namespace", c.namespace())
                .put("topologyKey", c.topologyKey())
                .put("maxSkew", c.maxSkew())
                .put("whenUnsatisfiable", c.whenUnsatisfiable())
                .put("minDomains", c.minDomains())
                .put("nodeAffinityPolicy", c.nodeAffinityPolicy())
                .put("nodeTaintsPolicy", c.nodeTaintsPolicy())
                .put("selector", c.selectorText())
                .put("skew", skew)
                .put("exceeded", skew > c.maxSkew());
        ArrayNode by = row.putArray("declaredBy");
        g.declaredBy.forEach(by::add);
        ArrayNode domains = row.putArray("domains");
        counts.forEach((d, n) -> domains.addObject().put("domain", d).put("pods", n));
        ArrayNode ex = row.putArray("excludedNodes");
        excluded.forEach(ex::add);
        return row;
    }

    private static ObjectNode chip(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        boolean ready = false;
        for (JsonNode cond : pod.path("status").path("conditions")) {
            if (cond.path("type").asText().equals("Ready")) {
                ready = cond.path("status").asText().equals("True");
            }
        }
        return Json.object()
                .put("namespace", meta.path("namespace").asText())
                .put("name", meta.path("name").asText())
                .put("phase", pod.path("status").path("phase").asText("Pending"))
                .put("ready", ready)
                .put("terminating", meta.has("deletionTimestamp"));
    }

    /** The workload that owns {@code pod} (its controller), or the pod itself. */
    private static String owner(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        for (JsonNode ref : meta.path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref.path("kind").asText() + " " + meta.path("namespace").asText() + "/"
                        + ref.path("name").asText();
            }
        }
        return "Pod " + meta.path("namespace").asText() + "/"
                + meta.path("name").asText();
    }

    private static String readiness(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return switch (c.path("status").asText()) {
                    case "True" -> "Ready";
                    case "False" -> "NotReady";
                    default -> "Unknown";
                };
            }
        }
        return "Unknown";
    }

    /** By namespace/name, so rows and chips keep a stable order. */
    private static List<JsonNode> sorted(List<JsonNode> objects) {
        List<JsonNode> out = new ArrayList<>(objects);
        out.sort((a, b) -> key(a).compareTo(key(b)));
        return out;
    }

    private static String key(JsonNode o) {
        return o.path("metadata").path("namespace").asText("") + "/"
                + o.path("metadata").path("name").asText("");
    }
}
