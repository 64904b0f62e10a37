package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl top pod [NAME]}: kubectl top pod's columns ([NAMESPACE] [POD] NAME CPU(cores)
 * MEMORY(bytes)), a pod's usage the sum of its containers', {@code --containers} one line per
 * container, {@code --sum} kubectl's total lines. No metrics: {@code error: metrics not available
 * yet} when matching pods exist, else kubectl's "No resources found" on stderr.
 */
@Command(
        name = "pod",
        aliases = {"pods", "po"},
        description = "Display resource (CPU/memory) usage of pods.")
final class TopPodCommand implements Runnable {
    private final KlContext ctx;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(
            names = {"-A", "--all-namespaces"},
            description = "Pods of every namespace.")
    boolean allNamespaces;

    @Option(names = "--containers", description = "One line per container.")
    boolean containers;

    @Option(
            names = {"-l", "--selector"},
            description = "Label selector.")
    String selector;

    @Option(names = "--field-selector", description = "Field selector.")
    String fieldSelector;

    @Option(names = "--sort-by", description = "cpu or memory.")
    String sortBy;

    @Option(names = "--no-headers", description = "Print no header line.")
    boolean noHeaders;

    @Option(names = "--sum", description = "Print the sum of the usage.")
    boolean sum;

    TopPodCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        TopCommand.checkSortBy(sortBy);
        ApiClient api = ctx.client();
        TopCommand.requireMetricsApi(api);
        String ns = ctx.namespace();
        List<JsonNode> metrics = new ArrayList<>();
        if (name != null) {
            metrics.add(api.getOk(TopCommand.BASE + "/namespaces/" + ApiPaths.enc(ns) + "/pods/" + ApiPaths.enc(name)));
        } else {
            String where = allNamespaces ? "/pods" : "/namespaces/" + ApiPaths.enc(ns) + "/pods";
            api.getOk(TopCommand.BASE + where + TopCommand.query(selector, fieldSelector))
                    .path("items")
                    .forEach(metrics::add);
        }
        if (metrics.isEmpty()) {
            String where = allNamespaces ? "/api/v1/pods" : "/api/v1/namespaces/" + ApiPaths.enc(ns) + "/pods";
            if (api.getOk(where + TopCommand.query(selector, fieldSelector))
                            .path("items")
                            .size()
                    > 0) {
                throw new KlException("error: metrics not available yet");
            }
            ctx.err().println(allNamespaces ? "No resources found" : "No resources found in " + ns + " namespace.");
            return;
        }
        metrics.sort(podOrder());
        TopTable t = new TopTable();
        int width = 3 + (allNamespaces ? 1 : 0) + (containers ? 1 : 0);
        if (!noHeaders) {
            List<String> h = new ArrayList<>();
            if (allNamespaces) {
                h.add("NAMESPACE");
            }
            if (containers) {
                h.add("POD");
            }
            h.addAll(List.of("NAME", "CPU(cores)", "MEMORY(bytes)"));
            t.add(h);
        }
        List<String> cpus = new ArrayList<>();
        List<String> mems = new ArrayList<>();
        for (JsonNode m : metrics) {
            String pod = m.path("metadata").path("name").asText();
            String namespace = m.path("metadata").path("namespace").asText();
            List<JsonNode> cs = new ArrayList<>();
            m.path("containers").forEach(cs::add);
            cpus.add(total(cs, "cpu"));
            mems.add(total(cs, "memory"));
            if (containers) {
                cs.sort(containerOrder());
                for (JsonNode c : cs) {
                    List<String> row = new ArrayList<>();
                    if (allNamespaces) {
                        row.add(namespace);
                    }
                    row.add(pod);
                    row.add(c.path("name").asText());
                    row.add(TopTable.cpu(c.path("usage").path("cpu").asText("0")));
                    row.add(TopTable.memory(c.path("usage").path("memory").asText("0")));
                    t.add(row);
                }
            } else {
                List<String> row = new ArrayList<>();
                if (allNamespaces) {
                    row.add(namespace);
                }
                row.add(pod);
                row.add(TopTable.cpu(total(cs, "cpu")));
                row.add(TopTable.memory(total(cs, "memory")));
                t.add(row);
            }
        }
        if (sum) {
            List<String> line = new ArrayList<>();
            for (int i = 0; i < width - 2; i++) {
                line.add("");
            }
            line.addAll(List.of("________", "________"));
            t.add(line);
            List<String> total = new ArrayList<>();
            for (int i = 0; i < width - 3; i++) {
                total.add("");
            }
            total.addAll(List.of("", TopTable.cpu(TopTable.sum(cpus)), TopTable.memory(TopTable.sum(mems))));
            t.add(total);
        }
        ctx.out().print(t.render());
        ctx.out().flush();
    }

    private static String total(List<JsonNode> containers, String res) {
        List<String> qs = new ArrayList<>();
        for (JsonNode c : containers) {
            qs.add(c.path("usage").path(res).asText("0"));
        }
        return TopTable.sum(qs);
    }

    private Comparator<JsonNode> podOrder() {
        ToLongFunction<JsonNode> cpu = m -> TopTable.milli(total(list(m), "cpu"));
        ToLongFunction<JsonNode> mem = m -> TopTable.milli(total(list(m), "memory"));
        if ("cpu".equals(sortBy)) {
            return Comparator.comparingLong(cpu).reversed();
        }
        if ("memory".equals(sortBy)) {
            return Comparator.comparingLong(mem).reversed();
        }
        Comparator<JsonNode> byName =
                Comparator.comparing(m -> m.path("metadata").path("name").asText());
        return allNamespaces
                ? Comparator.<JsonNode, String>comparing(
                                m -> m.path("metadata").path("namespace").asText())
                        .thenComparing(byName)
                : byName;
    }

    private Comparator<JsonNode> containerOrder() {
        if ("cpu".equals(sortBy)) {
            return Comparator.comparingLong((JsonNode c) ->
                            TopTable.milli(c.path("usage").path("cpu").asText("0")))
                    .reversed();
        }
        if ("memory".equals(sortBy)) {
            return Comparator.comparingLong((JsonNode c) ->
                            TopTable.milli(c.path("usage").path("memory").asText("0")))
                    .reversed();
        }
        return Comparator.comparing(c -> c.path("name").asText());
    }

    private static List<JsonNode> list(JsonNode m) {
        List<JsonNode> cs = new ArrayList<>();
        m.path("containers").forEach(cs::add);
        return cs;
    }
}
