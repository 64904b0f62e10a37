package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.core.pod.PodKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl drain NODE}: cordons the node, then deletes the pods bound to it, in all namespaces (a
 * delete, not the Eviction API; a pod already gone is no error). Which pods go is kubectl's
 * {@code GetPodsForDeletion} ({@link DrainFilters}): any pod refused by a filter (a DaemonSet's pod
 * without {@code --ignore-daemonsets}, a pod with no controller without {@code --force}, ...) makes
 * the drain fail before anything is deleted, with kubectl's messages; pods skipped with a warning
 * are listed in one {@code Warning:} line.
 */
@Command(name = "drain", description = "Cordon a node and delete the pods on it.")
final class DrainCommand implements Callable<Integer> {
    @Parameters(arity = "1")
    String node;

    @Option(names = "--grace-period", defaultValue = "-1")
    long grace;

    @Option(names = "--ignore-daemonsets", description = "Skip DaemonSet-managed pods.")
    boolean ignoreDaemonsets;

    @Option(names = "--delete-emptydir-data", description = "Delete pods with emptyDir volumes too.")
    boolean deleteEmptyDir;

    @Option(names = "--force", description = "Delete pods no controller owns too.")
    boolean force;

    private final KlContext ctx;

    DrainCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        SchedulabilityCommand.setUnschedulable(ctx, c, node, true);
        JsonNode pods = c.getOk("/api/v1/pods?fieldSelector=" + enc("spec.nodeName=" + node));
        DrainFilters filters = new DrainFilters(ctx, ignoreDaemonsets, deleteEmptyDir, force);
        List<JsonNode> delete = new ArrayList<>();
        Map<String, List<String>> warnings = new LinkedHashMap<>();
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (JsonNode p : pods.path("items")) {
            DrainFilters.Verdict v = filters.judge(p);
            String key = p.path("metadata").path("namespace").asText() + "/"
                    + p.path("metadata").path("name").asText();
            if (v.reason() == DrainFilters.Reason.WARNING) {
                warnings.computeIfAbsent(v.message(), k -> new ArrayList<>()).add(key);
            } else if (v.reason() == DrainFilters.Reason.ERROR) {
                errors.computeIfAbsent(v.message(), k -> new ArrayList<>()).add(key);
            }
            if (v.delete()) {
                delete.add(p);
            }
        }
        if (!errors.isEmpty()) {
            // kubectl 1.32's PodDeleteList.errors(): "cannot delete <message>: <pods>", one per message
            List<String> msgs = new ArrayList<>();
            errors.forEach((msg, keys) -> msgs.add("cannot delete " + msg + ": " + String.join(", ", keys)));
            String aggregate = msgs.size() == 1 ? msgs.get(0) : "[" + String.join(", ", msgs) + "]";
            ctx.err()
                    .println("error: unable to drain node \"" + node + "\" due to error: " + aggregate
                            + ", continuing command...");
            ctx.err().println("There are pending nodes to be drained:");
            ctx.err().println(" " + node);
            throw new KlException("error: " + String.join("\nerror: ", msgs));
        }
        if (!warnings.isEmpty()) {
            List<String> msgs = new ArrayList<>();
            warnings.forEach((msg, keys) -> msgs.add(msg + ": " + String.join(", ", keys)));
            ctx.err().println("Warning: " + String.join("; ", msgs));
        }
        String q = grace >= 0 ? "?gracePeriodSeconds=" + grace : "";
        for (JsonNode p : delete) {
            String ns = p.path("metadata").path("namespace").asText();
            String name = p.path("metadata").path("name").asText();
            ctx.out().println("evicting pod " + ns + "/" + name);
            ApiClient.Resp d = c.call("DELETE", item(PodKind.RESOURCE, ns, name) + q, null, null);
            if (!d.ok() && d.code() != 404) {
                throw ApiClient.error(d);
            }
            ctx.out().println("pod/" + name + " evicted");
        }
        ctx.out().println("node/" + node + " drained");
        return 0;
    }
}
