package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.targets;
import static io.kubelite.cli.ResourceArgs.typeName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The body of {@code kl label} and {@code kl annotate}, which differ only in the metadata map they
 * change: {@code TYPE NAME... | TYPE/NAME...} then {@code KEY=VALUE} to set and {@code KEY-} to remove.
 * Changing a key's value needs {@code --overwrite}; each object gets one merge patch.
 */
abstract class MetadataMapCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TYPE NAME KEY=VAL... KEY-...")
    List<String> args;

    @Option(names = "--overwrite")
    boolean overwrite;

    private final KlContext ctx;
    /** The metadata field: "labels" or "annotations". */
    private final String field;
    /** The past tense for the report: "labeled" or "annotated". */
    private final String verb;

    MetadataMapCommand(KlContext ctx, String field, String verb) {
        this.ctx = ctx;
        this.field = field;
        this.verb = verb;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        List<String> refs = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        // KEY- is a removal only once the object is named: before that it may be a name ending in "-"
        for (String a : args) {
            (a.contains("=")
                                    || (a.endsWith("-")
                                            && !refs.isEmpty()
                                            && !a.contains("/")
                                            && refs.size() >= (refs.get(0).contains("/") ? 1 : 2))
                            ? changes
                            : refs)
                    .add(a);
        }
        if (changes.isEmpty()) {
            throw new KlException("error: at least one " + field.replaceAll("s$", "") + " update is required");
        }
        for (var t : targets(refs)) {
            String path = item(t.getKey(), ctx.namespace(), t.getValue());
            JsonNode cur = c.getOk(path).path("metadata").path(field);
            ObjectNode m = ApiClient.JSON.createObjectNode();
            for (String ch : changes) {
                if (ch.endsWith("-") && !ch.contains("=")) {
                    m.putNull(ch.substring(0, ch.length() - 1));
                } else {
                    String k = ch.substring(0, ch.indexOf('='));
                    String v = ch.substring(ch.indexOf('=') + 1);
                    if (cur.has(k) && !overwrite && !cur.path(k).asText().equals(v)) {
                        throw new KlException("error: '" + k + "' already has a value ("
                                + cur.path(k).asText() + "), and --overwrite is false");
                    }
                    m.put(k, v);
                }
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.putObject("metadata").set(field, m);
            MergePatch.send(c, path, body.toString());
            ctx.out().println(typeName(t.getKey()) + "/" + t.getValue() + " " + verb);
        }
        return 0;
    }
}
