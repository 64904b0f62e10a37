package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl top node [NAME]}: kubectl top node's columns (NAME, CPU(cores), CPU(%), MEMORY(bytes),
 * MEMORY(%)), percentages of each node's allocatable ({@code --show-capacity}: capacity), nodes
 * the metrics API has nothing for as {@code <unknown>} after the others.
 */
@Command(
        name = "node",
        aliases = {"nodes", "no"},
        description = "Display resource (CPU/memory) usage of nodes.")
final class TopNodeCommand implements Runnable {
    private final KlContext ctx;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(
            names = {"-l", "--selector"},
            description = "Label selector.")
    String selector;

    @Option(names = "--sort-by", description = "cpu or memory.")
    String sortBy;

    @Option(names = "--no-headers", description = "Print no header line.")
    boolean noHeaders;

    @Option(names = "--show-capacity", description = "Percentages of capacity instead of allocatable.")
    boolean showCapacity;

    TopNodeCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        TopCommand.checkSortBy(sortBy);
        ApiClient api = ctx.client();
        TopCommand.requireMetricsApi(api);
        List<JsonNode> metrics = new ArrayList<>();
        List<JsonNode> nodes = new ArrayList<>();
        if (name != null) {
            metrics.add(api.getOk(TopCommand.BASE + "/nodes/" + ApiPaths.enc(name)));
            nodes.add(api.getOk("/api/v1/nodes/" + ApiPaths.enc(name)));
        } else {
            api.getOk(TopCommand.BASE + "/nodes" + TopCommand.query(selector, null))
                    .path("items")
                    .forEach(metrics::add);
            if (metrics.isEmpty()) {
                throw new KlException("error: metrics not available yet");
            }
            api.getOk("/api/v1/nodes" + TopCommand.query(selector, null))
                    .path("items")
                    .forEach(nodes::add);
        }
        Map<String, JsonNode> available = new TreeMap<>();
        for (JsonNode n : nodes) {
            available.put(
                    n.path("metadata").path("name").asText(),
                    n.path("status").path(showCapacity ? "capacity" : "allocatable"));
        }
        metrics.sort(order());
        TopTable t = new TopTable();
        if (!noHeaders) {
            t.add(List.of("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"));
        }
        for (JsonNode m : metrics) {
            String node = m.path("metadata").path("name").asText();
            JsonNode usage = m.path("usage");
            JsonNode avail = available.remove(node);
            List<String> row = new ArrayList<>(List.of(node));
            for (String res : List.of("cpu", "memory")) {
                String q = usage.path(res).asText("0");
                row.add(res.equals("cpu") ? TopTable.cpu(q) : TopTable.memory(q));
                if (avail != null && avail.has(res)) {
                    row.add(TopTable.percent(q, avail.path(res).asText()));
                }
            }
            t.add(row);
        }
        for (String missing : available.keySet()) {
            t.add(List.of(missing, "<unknown>", "<unknown>", "<unknown>", "<unknown>"));
        }
        ctx.out().print(t.render());
        ctx.out().flush();
    }

    private Comparator<JsonNode> order() {
        if ("cpu".equals(sortBy)) {
            return Comparator.comparingLong((JsonNode m) ->
                            TopTable.milli(m.path("usage").path("cpu").asText("0")))
                    .reversed();
        }
        if ("memory".equals(sortBy)) {
            return Comparator.comparingLong((JsonNode m) ->
                            TopTable.milli(m.path("usage").path("memory").asText("0")))
                    .reversed();
        }
        return Comparator.comparing(m -> m.path("metadata").path("name").asText());
    }
}
