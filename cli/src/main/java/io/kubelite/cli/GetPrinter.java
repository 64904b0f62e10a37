package io.kubelite.cli;

import static io.kubelite.cli.ResourceArgs.typeName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ApiJson;
import io.kubelite.kinds.Resource;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code kl get} prints objects in its {@code -o} format (a table, {@code wide}, {@code name},
 * {@code json} or {@code yaml}): once, as a list, or one by one as a watch delivers them. A watch's
 * output is one stream, so one printer serves one {@code get}: it remembers whether the table header
 * went out and how many YAML documents did.
 */
final class GetPrinter {
    private final PrintStream out;
    private final Clock clock;
    /** The -o value; null for the default table. */
    private final String output;

    private final boolean outputWatchEvents;
    private final boolean showManagedFields;
    /** In watch mode the table header goes out once, before the first row. */
    private boolean headerPrinted;
    /** In watch mode YAML documents after the first are preceded by "---", as kubectl does. */
    private int yamlDocs;

    GetPrinter(PrintStream out, Clock clock, String output, boolean outputWatchEvents, boolean showManagedFields) {
        this.showManagedFields = showManagedFields;
        this.out = out;
        this.clock = clock;
        this.output = output;
        this.outputWatchEvents = outputWatchEvents;
    }

    /** True for the table formats (the default and {@code wide}), which kl reports an empty list for. */
    boolean isTable() {
        return output == null || output.equals("wide");
    }

    /** Fails for a format kl cannot print; a watch checks first, as its printing would fall back to a table. */
    void checkOutput() {
        if (output != null && !List.of("wide", "name", "json", "yaml").contains(output)) {
            throw new KlException("error: unable to match a printer suitable for the output format \"" + output
                    + "\", allowed formats are: json,name,wide,yaml");
        }
    }

    /**
     * {@code items} as one table, names, or one JSON/YAML document: a List, or the object itself when
     * {@code namesGiven} (TYPE NAME... arguments, not TYPE/NAME) and there is one. {@code ns} null:
     * all namespaces (a NAMESPACE column).
     */
    void print(Resource<?> r, List<JsonNode> items, String ns, boolean namesGiven) {
        String o = output == null ? "" : output;
        switch (o) {
            case "", "wide" -> printRows(r, items, ns, true);
            case "name" ->
                items.forEach(i -> out.println(
                        typeName(r) + "/" + i.path("metadata").path("name").asText()));
            case "json", "yaml" -> {
                JsonNode doc;
                if (items.size() == 1 && namesGiven) {
                    doc = typed(r, items.get(0));
                } else {
                    ObjectNode list = ApiClient.JSON.createObjectNode();
                    list.put("apiVersion", "v1");
                    ArrayNode a = list.putArray("items");
                    items.forEach(i -> a.add(typed(r, i)));
                    list.put("kind", "List");
                    list.putObject("metadata").put("resourceVersion", "");
                    doc = list;
                }
                out.print(o.equals("json") ? ApiJson.toPrettyJson(doc) + "\n" : ApiJson.toYaml(doc));
            }
            default ->
                throw new KlException("error: unable to match a printer suitable for the output format \"" + o
                        + "\", allowed formats are: json,name,wide,yaml");
        }
    }

    /** The list a watch starts from, each object as ADDED. */
    void printWatchStart(Resource<?> r, List<JsonNode> items, String ns) {
        if (isTable()) {
            // one table, aligned, with the header (even with no rows: it shows the watch is on)
            headerPrinted = true;
            printRows(r, items, ns, true, outputWatchEvents ? "ADDED" : null);
        } else {
            items.forEach(i -> printWatched(r, "ADDED", i, ns));
        }
    }

    /** One object of a watch, as kubectl prints it: a row, a name, or a whole JSON/YAML document. */
    void printWatched(Resource<?> r, String type, JsonNode item, String ns) {
        switch (output == null ? "" : output) {
            case "name" ->
                out.println(
                        typeName(r) + "/" + item.path("metadata").path("name").asText());
            case "json" -> out.print(ApiJson.toPrettyJson(watched(r, type, item)) + "\n");
            case "yaml" -> out.print((yamlDocs++ > 0 ? "---\n" : "") + ApiJson.toYaml(watched(r, type, item)));
            default -> {
                boolean header = !headerPrinted;
                headerPrinted = true;
                printRows(r, List.of(item), ns, header, outputWatchEvents ? type : null);
            }
        }
        out.flush();
    }

    /** The object, or with --output-watch-events a watch event {type, object} as kubectl prints it. */
    private JsonNode watched(Resource<?> r, String type, JsonNode item) {
        if (!outputWatchEvents) {
            return typed(r, item);
        }
        ObjectNode ev = ApiClient.JSON.createObjectNode();
        ev.put("type", type);
        ev.set("object", typed(r, item));
        return ev;
    }

    private void printRows(Resource<?> r, List<JsonNode> items, String ns, boolean header) {
        printRows(r, items, ns, header, null);
    }

    /** Table rows; with {@code event} (--output-watch-events) a leading EVENT column. */
    private void printRows(Resource<?> r, List<JsonNode> items, String ns, boolean header, String event) {
        boolean wide = "wide".equals(output);
        Tables t = new Tables(clock.instant());
        List<List<String>> rows = new ArrayList<>();
        boolean withNs = ns == null && r.namespaced();
        if (header) {
            List<String> h = new ArrayList<>(Tables.headers(r, wide));
            if (withNs) {
                h.add(0, "NAMESPACE");
            }
            if (event != null) {
                h.add(0, "EVENT");
            }
            rows.add(h);
        }
        for (JsonNode i : items) {
            List<String> row = new ArrayList<>(t.row(r, i, wide));
            if (withNs) {
                row.add(0, i.path("metadata").path("namespace").asText());
            }
            if (event != null) {
                row.add(0, event);
            }
            rows.add(row);
        }
        out.print(Tables.layout(rows));
        out.flush();
    }

    /**
     * The object with the apiVersion and kind a list response leaves out of its items, first as
     * kubectl has them; without {@code metadata.managedFields} unless asked for, as kubectl hides them.
     */
    private ObjectNode typed(Resource<?> r, JsonNode item) {
        ObjectNode o = ApiClient.JSON.createObjectNode();
        o.put("apiVersion", r.apiVersion());
        o.put("kind", r.kind());
        item.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                o.set(e.getKey(), e.getValue());
            }
        });
        if (!showManagedFields && o.path("metadata") instanceof ObjectNode m && m.has("managedFields")) {
            ObjectNode meta = m.deepCopy();
            meta.remove("managedFields");
            o.set("metadata", meta);
        }
        return o;
    }
}
