package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.kinds.core.node.NodeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl taint nodes NAME... TAINT...}: {@code KEY[=VALUE]:EFFECT} adds a taint (replacing one of the
 * same key and effect only with {@code --overwrite}), {@code KEY[:EFFECT]-} removes the matching ones
 * and fails when there are none.
 */
@Command(
        name = "taint",
        description = "Update the taints on nodes: KEY[=VALUE]:EFFECT to add, KEY[:EFFECT]- to remove.")
final class TaintCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "nodes NAME TAINT...")
    List<String> args;

    @Option(names = "--overwrite")
    boolean overwrite;

    private final KlContext ctx;

    TaintCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        List<String> refs = new ArrayList<>();
        List<String> taints = new ArrayList<>();
        for (String a : args) {
            (a.contains(":") || a.endsWith("-") ? taints : refs).add(a);
        }
        for (var t : targets(refs)) {
            if (t.getKey() != NodeKind.RESOURCE) {
                throw new KlException(
                        "error: invalid resource type " + t.getKey().plural() + ", only node types are supported");
            }
            String path = item(NodeKind.RESOURCE, null, t.getValue());
            JsonNode node = c.getOk(path);
            ArrayNode list = node.path("spec").has("taints")
                    ? (ArrayNode) node.path("spec").path("taints").deepCopy()
                    : ApiClient.JSON.createArrayNode();
            boolean removed = false;
            for (String spec : taints) {
                if (spec.endsWith("-")) {
                    remove(list, spec.substring(0, spec.length() - 1));
                    removed = true;
                } else {
                    add(list, spec, t.getValue());
                }
            }
            // a merge patch replaces the whole list: the resourceVersion makes a concurrent change fail it
            // rather than be lost
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.putObject("metadata")
                    .put(
                            "resourceVersion",
                            node.path("metadata").path("resourceVersion").asText());
            body.putObject("spec").set("taints", list);
            MergePatch.send(c, path, body.toString());
            ctx.out().println("node/" + t.getValue() + (removed ? " untainted" : " tainted"));
        }
        return 0;
    }

    /** Removes the taints {@code KEY[:EFFECT]} matches (any effect when none is given). */
    private static void remove(ArrayNode list, String s) {
        String key = s.split(":")[0].split("=")[0];
        String effect = s.contains(":") ? s.substring(s.indexOf(':') + 1) : null;
        int before = list.size();
        for (int i = list.size() - 1; i >= 0; i--) {
            JsonNode x = list.get(i);
            if (x.path("key").asText().equals(key)
                    && (effect == null || x.path("effect").asText().equals(effect))) {
                list.remove(i);
            }
        }
        if (list.size() == before) {
            throw new KlException("error: taint \"" + s + "\" not found");
        }
    }

    /** Adds the taint {@code KEY[=VALUE]:EFFECT} to node {@code nodeName}'s list. */
    private void add(ArrayNode list, String spec, String nodeName) {
        int colon = spec.lastIndexOf(':');
        String kv = spec.substring(0, colon);
        String effect = spec.substring(colon + 1);
        String key = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
        String value = kv.contains("=") ? kv.substring(kv.indexOf('=') + 1) : "";
        for (int i = list.size() - 1; i >= 0; i--) {
            JsonNode x = list.get(i);
            if (x.path("key").asText().equals(key) && x.path("effect").asText().equals(effect)) {
                if (!overwrite) {
                    throw new KlException("error: node " + nodeName + " already has " + key
                            + " taint(s) with same effect(s) and --overwrite is false");
                }
                list.remove(i);
            }
        }
        ObjectNode tn = list.addObject();
        tn.put("key", key);
        if (!value.isEmpty()) {
            tn.put("value", value);
        }
        tn.put("effect", effect);
    }
}
