package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.resource;
import static io.kubelite.cli.ResourceArgs.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kl describe TYPE [NAME...] | TYPE/NAME...}: each object (all of the type in the namespace
 * when no name is given) as {@link Describer} renders it, with the events that involve it. A named
 * object that cannot be fetched fails the command before anything is printed.
 */
@Command(name = "describe", description = "Show details of a resource, its conditions and its events.")
final class DescribeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TYPE [NAME...]")
    List<String> args;

    private final KlContext ctx;

    DescribeCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        List<JsonNode> objs = new ArrayList<>();
        Resource<? extends Message> r = resource(args.get(0).split("/")[0]);
        if (args.size() == 1 && !args.get(0).contains("/")) {
            c.getOk(collection(r, r.namespaced() ? ctx.namespace() : null))
                    .path("items")
                    .forEach(objs::add);
            if (objs.isEmpty()) {
                ctx.err()
                        .println(
                                r.namespaced()
                                        ? "No resources found in " + ctx.namespace() + " namespace."
                                        : "No resources found");
                return 0;
            }
        } else {
            for (var t : targets(args)) {
                ApiClient.Resp resp = c.get(item(t.getKey(), ctx.namespace(), t.getValue()));
                if (!resp.ok()) {
                    throw ApiClient.error(resp);
                }
                objs.add(resp.json());
            }
        }
        Describer d = new Describer(ctx.clock().instant());
        for (int i = 0; i < objs.size(); i++) {
            JsonNode o = objs.get(i);
            JsonNode m = o.path("metadata");
            String sel = "involvedObject.name=" + m.path("name").asText() + ",involvedObject.kind=" + r.kind();
            String evPath = (m.has("namespace")
                            ? "/api/v1/namespaces/" + enc(m.path("namespace").asText()) + "/events"
                            : "/api/v1/events")
                    + "?fieldSelector=" + enc(sel);
            ApiClient.Resp er = c.get(evPath);
            List<JsonNode> events = new ArrayList<>();
            // events only add to the description: without them (not allowed, say) it still stands
            if (er.ok()) {
                er.json().path("items").forEach(events::add);
            }
            if (i > 0) {
                ctx.out().println();
                ctx.out().println();
            }
            ctx.out().print(d.describe(r.kind(), o, events));
        }
        return 0;
    }
}
