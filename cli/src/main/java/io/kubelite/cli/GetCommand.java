package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.resource;
import static io.kubelite.cli.ResourceArgs.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.backoff.Backoff;
import io.kubelite.store.backoff.ExponentialBackoff;
import io.kubelite.store.runtime.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl get TYPE [NAME...] | TYPE/NAME...}: prints the named objects, or a collection narrowed by
 * selectors; with {@code -w} it then watches and prints each change until interrupted, across broken
 * streams and servers ({@link ResumingWatch}). Exit 1 when a named object could not be fetched.
 */
@Command(name = "get", description = "Display one or many resources.")
final class GetCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TYPE [NAME...]")
    List<String> args;

    @Option(names = {"-o", "--output"})
    String output;

    @Option(names = {"-l", "--selector"})
    String selector;

    @Option(names = "--field-selector")
    String fieldSelector;

    @Option(names = {"-A", "--all-namespaces"})
    boolean all;

    @Option(
            names = {"-w", "--watch"},
            description = "After listing, watch for changes (survives a broken stream).")
    boolean watch;

    @Option(names = "--watch-only", description = "Watch for changes without printing the list first.")
    boolean watchOnly;

    @Option(
            names = "--output-watch-events",
            description =
                    "With -w: an EVENT column (ADDED, MODIFIED, DELETED), or watch event objects with -o json|yaml.")
    boolean outputWatchEvents;

    @Option(
            names = "--watch-idle-timeout",
            defaultValue = "45s",
            converter = DurationConverter.class,
            description =
                    "With -w: re-open a watch that delivered nothing, not even a bookmark, for this long (a frozen"
                            + " server's connection stays open and silent); also how long to wait for a server's answer;"
                            + " 0 waits forever (default: ${DEFAULT-VALUE}).")
    Duration watchIdleTimeout;

    @Option(
            names = "--show-managed-fields",
            description = "With -o json|yaml: keep metadata.managedFields (hidden by default, as kubectl hides them).")
    boolean showManagedFields;

    private final KlContext ctx;

    GetCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        ApiClient c = ctx.client();
        Resource<? extends Message> r = resource(args.get(0).split("/")[0]);
        GetPrinter printer = new GetPrinter(ctx.out(), ctx.clock(), output, outputWatchEvents, showManagedFields);
        List<JsonNode> items = new ArrayList<>();
        String ns = all ? null : ctx.namespace();
        long rv = 0;
        boolean watching = watch || watchOnly;
        if (watching && (args.size() > 1 || args.get(0).contains("/"))) {
            // kubectl watches one named object as a collection narrowed by metadata.name
            var named = targets(args);
            if (named.size() != 1) {
                throw new KlException("error: watch is only supported on individual resources and resource "
                        + "collections, but " + named.size() + " resources were found");
            }
            String byName = "metadata.name=" + named.get(0).getValue();
            fieldSelector = fieldSelector == null ? byName : fieldSelector + "," + byName;
        } else if (args.size() > 1 || args.get(0).contains("/")) {
            int errors = 0;
            for (var t : targets(args)) {
                ApiClient.Resp resp = c.get(item(t.getKey(), ns == null ? ctx.namespace() : ns, t.getValue()));
                if (!resp.ok()) {
                    ctx.err().println(ApiClient.error(resp).getMessage());
                    errors++;
                } else {
                    items.add(resp.json());
                }
            }
            printer.print(r, items, ns, args.size() > 1);
            return errors > 0 ? 1 : 0;
        }
        StringBuilder q = new StringBuilder();
        if (selector != null) {
            q.append("labelSelector=").append(enc(selector));
        }
        if (fieldSelector != null) {
            q.append(q.length() > 0 ? "&" : "").append("fieldSelector=").append(enc(fieldSelector));
        }
        String path = collection(r, r.namespaced() ? ns : null) + (q.length() > 0 ? "?" + q : "");
        JsonNode list = c.getOk(path);
        list.path("items").forEach(items::add);
        rv = list.path("metadata").path("resourceVersion").asLong();
        if (items.isEmpty() && !watching) {
            if (printer.isTable()) {
                ctx.err()
                        .println(
                                r.namespaced() && ns != null
                                        ? "No resources found in " + ns + " namespace."
                                        : "No resources found");
                return 0;
            }
        }
        if (!watching) {
            printer.print(r, items, ns, args.size() > 1);
            return 0;
        }
        printer.checkOutput();
        if (!watchOnly) {
            printer.printWatchStart(r, items, ns);
        }
        // returns only when interrupted (in-process callers); a kl process ends on Ctrl-C
        new ResumingWatch(
                        c,
                        path,
                        r.plural(),
                        items,
                        rv,
                        (type, o) -> printer.printWatched(r, type, o, ns),
                        ctx.err(),
                        Backoff.jittered(ExponentialBackoff.LIST_RETRY),
                        watchIdleTimeout)
                .run();
        return 0;
    }
}
