package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.dashboard.metrics.NodeUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster overview: one row per node (zone from {@code topology.kubernetes.io/zone}, Ready /
 * NotReady / Unknown from its Ready condition, taints, cordon, allocatable vs the summed requests
 * of its pods vs usage from {@code metrics.k8s.io}, pod count), a summary per zone and the
 * cluster's sums of the same (usage summed over the nodes metrics-server reported; {@code
 * nodesWithUsage} says how many). Pod counts follow the namespace filter; requests are always the
 * node's whole load.
 */
final class OverviewView implements View {
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    static final String NO_ZONE = "(no zone)";

    private final ViewContext ctx;
    // per-object memo: 20,000 pods' requests are parsed again only when a pod changed
    private final PodLoadCache podLoads = new PodLoadCache();

    OverviewView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "overview";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.NODES, ResourceType.PODS);
    }

    @Override
    public long extraGeneration() {
        return ctx.nodeMetrics().generation();
    }

    @Override
    public ViewModel render(ViewQuery query) {
        Map<String, long[]> load = new HashMap<>(); // node -> {cpu, memory, pods in the query's namespace}
        Map<String, Integer> phases = new TreeMap<>();
        for (JsonNode pod : ctx.caches().of(ResourceType.PODS).objects()) {
            PodLoadCache.PodLoad p = podLoads.of(pod);
            boolean inQuery = query.includes(p.namespace());
            if (inQuery) {
                phases.merge(p.phase(), 1, Integer::sum);
            }
            if (p.node().isEmpty()) {
                continue;
            }
            long[] l = load.computeIfAbsent(p.node(), n -> new long[3]);
            l[0] += p.cpuMillis();
            l[1] += p.memoryBytes();
            if (inQuery) {
                l[2]++;
            }
        }
        podLoads.endRender();
        boolean metrics = ctx.nodeMetrics().available();
        Map<String, NodeUsage> usage = ctx.nodeMetrics().usage();
        Map<String, ObjectNode> items = new TreeMap<>();
        Map<String, int[]> zones = new TreeMap<>(); // zone -> {nodes, ready, notReady, unknown}
        // the cluster's bars: {allocatable cpu, memory, requests cpu, memory, usage cpu, memory, nodes with usage}
        long[] totals = new long[7];
        for (JsonNode node : ctx.caches().of(ResourceType.NODES).objects()) {
            String name = node.path("metadata").path("name").asText();
            String zone = node.path("metadata").path("labels").path(ZONE_LABEL).asText(NO_ZONE);
            String ready = readiness(node);
            int[] z = zones.computeIfAbsent(zone, k -> new int[4]);
            z[0]++;
            z[
                    switch (ready) {
                        case "Ready" -> 1;
                        case "NotReady" -> 2;
                        default -> 3;
                    }]++;
            long[] l = load.getOrDefault(name, new long[3]);
            ObjectNode row = Json.object()
                    .put("name", name)
                    .put("zone", zone)
                    .put("ready", ready)
                    .put(
                            "unschedulable",
                            node.path("spec").path("unschedulable").asBoolean(false))
                    .put("pods", l[2]);
            ArrayNode taints = row.putArray("taints");
            for (JsonNode t : node.path("spec").path("taints")) {
                String value = t.path("value").asText("");
                taints.add(t.path("key").asText() + (value.isEmpty() ? "" : "=" + value) + ":"
                        + t.path("effect").asText());
            }
            JsonNode alloc = node.path("status").path("allocatable");
            long allocCpu = Quantities.cpuMillis(alloc.path("cpu").asText(""));
            long allocMemory = Quantities.bytes(alloc.path("memory").asText(""));
            row.putObject("allocatable")
                    .put("cpuMillis", allocCpu)
                    .put("memoryBytes", allocMemory)
                    .put("pods", Quantities.bytes(alloc.path("pods").asText("")));
            row.putObject("requests").put("cpuMillis", l[0]).put("memoryBytes", l[1]);
            totals[0] += allocCpu;
            totals[1] += allocMemory;
            totals[2] += l[0];
            totals[3] += l[1];
            NodeUsage u = usage.get(name);
            if (u == null) {
                row.putNull("usage");
            } else {
                row.putObject("usage").put("cpuMillis", u.cpuMillis()).put("memoryBytes", u.memoryBytes());
                totals[4] += u.cpuMillis();
                totals[5] += u.memoryBytes();
                totals[6]++;
            }
            items.put(name, row);
        }
        ObjectNode summary = Json.object().put("nodes", items.size()).put("metricsAvailable", metrics);
        ObjectNode cluster = summary.putObject("cluster");
        cluster.putObject("allocatable").put("cpuMillis", totals[0]).put("memoryBytes", totals[1]);
        cluster.putObject("requests").put("cpuMillis", totals[2]).put("memoryBytes", totals[3]);
        if (totals[6] == 0) {
            cluster.putNull("usage");
        } else {
            cluster.putObject("usage").put("cpuMillis", totals[4]).put("memoryBytes", totals[5]);
        }
        cluster.put("nodesWithUsage", totals[6]);
        ArrayNode zoneRows = summary.putArray("zones");
        zones.forEach((zone, z) -> zoneRows.addObject()
                .put("zone", zone)
                .put("nodes", z[0])
                .put("ready", z[1])
                .put("notReady", z[2])
                .put("unknown", z[3]));
        ObjectNode podPhases = summary.putObject("podPhases");
        phases.forEach(podPhases::put);
        return new ViewModel(summary, items);
    }

    /** Ready, NotReady or Unknown, from the node's Ready condition (no condition yet: Unknown). */
    static String readiness(JsonNode node) {
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
}
