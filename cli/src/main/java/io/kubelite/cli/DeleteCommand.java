package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.resource;
import static io.kubelite.cli.ResourceArgs.targets;
import static io.kubelite.cli.ResourceArgs.typeName;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl delete}: deletes the objects named by arguments, by {@code -f} manifests, or by
 * {@code TYPE -l SELECTOR} / {@code TYPE --all}, with kubectl's {@code --grace-period}, {@code --force}
 * and {@code --cascade} (sent as propagationPolicy). Every target is found before the first delete;
 * a delete that fails is reported and the rest still go (exit 1).
 */
@Command(name = "delete", description = "Delete resources by names, files or label selector.")
final class DeleteCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "TYPE [NAME...]")
    List<String> args = new ArrayList<>();

    @Option(names = {"-f", "--filename"})
    List<String> files;

    @Option(names = {"-l", "--selector"})
    String selector;

    @Option(names = "--ignore-not-found")
    boolean ignoreNotFound;

    @Option(names = "--grace-period", defaultValue = "-1")
    long grace;

    @Option(names = "--force")
    boolean force;

    @Option(names = "--all")
    boolean all;

    @Option(
            names = "--cascade",
            arity = "0..1",
            fallbackValue = "background",
            defaultValue = "background",
            description = "background (default), foreground (the owner waits for its dependents) or orphan")
    String cascade;

    private final KlContext ctx;

    DeleteCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    /** One object to delete; {@code namespace} is ignored for a cluster-scoped resource. */
    private record Target(Resource<?> resource, String namespace, String name) {}

    /** kubectl's --cascade values, as the API server's propagationPolicy. */
    private String propagationPolicy() {
        return switch (cascade) {
            case "background", "true" -> "Background";
            case "foreground" -> "Foreground";
            case "orphan" -> "Orphan";
            case "false" -> {
                ctx.err()
                        .println(
                                "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.");
                yield "Orphan";
            }
            default ->
                throw new KlException("error: invalid cascade value (" + cascade
                        + "). Must be \"background\", \"foreground\", or \"orphan\".");
        };
    }

    @Override
    public Integer call() {
        String policy = propagationPolicy();
        ApiClient c = ctx.client();
        List<Target> targets = new ArrayList<>();
        if (files != null) {
            Manifests manifests = new Manifests(ctx);
            for (JsonNode doc : manifests.read(files)) {
                Manifests.Manifest m = manifests.resolve(doc);
                targets.add(new Target(
                        m.resource(),
                        m.namespace(),
                        doc.path("metadata").path("name").asText()));
            }
        } else if (args.isEmpty()) {
            throw new KlException("error: You must provide one or more resources by argument or filename.");
        } else if ((selector != null || all) && args.size() == 1) {
            Resource<? extends Message> r = resource(args.get(0));
            String path = collection(r, r.namespaced() ? ctx.namespace() : null)
                    + (selector != null ? "?labelSelector=" + enc(selector) : "");
            for (JsonNode i : c.getOk(path).path("items")) {
                targets.add(new Target(
                        r, ctx.namespace(), i.path("metadata").path("name").asText()));
            }
            if (targets.isEmpty()) {
                ctx.err().println("No resources found");
                return 0;
            }
        } else {
            if (args.size() == 1 && !args.get(0).contains("/")) {
                throw new KlException("error: resource(s) were provided, but no name was specified");
            }
            for (var t : targets(args)) {
                targets.add(new Target(t.getKey(), ctx.namespace(), t.getValue()));
            }
        }
        String q = "?propagationPolicy=" + policy;
        long g = force && grace < 0 ? 0 : grace;
        if (g >= 0) {
            q += "&gracePeriodSeconds=" + g;
        }
        if (force && g == 0) {
            ctx.err()
                    .println("Warning: Immediate deletion does not wait for confirmation that the running resource "
                            + "has been terminated. The resource may continue to run on the cluster indefinitely.");
        }
        int errors = 0;
        for (Target t : targets) {
            ApiClient.Resp d = c.call("DELETE", item(t.resource(), t.namespace(), t.name()) + q, null, null);
            if (d.code() == 404 && ignoreNotFound) {
                continue;
            }
            if (!d.ok()) {
                ctx.err().println(ApiClient.error(d).getMessage());
                errors++;
                continue;
            }
            ctx.out()
                    .println(typeName(t.resource()) + " \"" + t.name() + "\" "
                            + (force && g == 0 ? "force deleted" : "deleted"));
        }
        return errors > 0 ? 1 : 0;
    }
}
