package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.core.pod.PodKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl drain NODE}: cordons the node, then deletes every pod bound to it, in all namespaces (a
 * delete, not the Eviction API; a pod already gone is no error). The first other failure stops it.
 */
@Command(name = "drain", description = "Cordon a node and delete the pods on it.")
final class DrainCommand implements Callable<Integer> {
    @Parameters(arity = "1")
    String node;

    @Option(names = "--grace-period", defaultValue = "-1")
    long grace;
    // kubectl's drain flags, accepted so kubectl command lines work; kl deletes every pod on the node regardless
    @Option(names = "--ignore-daemonsets")
    boolean ignoreDaemonsets;

    @Option(names = "--delete-emptydir-data")
    boolean deleteEmptyDir;

    @Option(names = "--force")
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
        String q = grace >= 0 ? "?gracePeriodSeconds=" + grace : "";
        for (JsonNode p : pods.path("items")) {
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
