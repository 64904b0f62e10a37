package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.core.node.NodeKind;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;

/**
 * The body of {@code kl cordon} and {@code kl uncordon}, which differ only in the value they give the
 * nodes' spec.unschedulable. A node that already has it is reported "already cordoned/uncordoned" and
 * left alone.
 */
abstract class SchedulabilityCommand implements Callable<Integer> {
    @Parameters(arity = "1..*")
    List<String> nodes;

    private final KlContext ctx;
    private final boolean unschedulable;

    SchedulabilityCommand(KlContext ctx, boolean unschedulable) {
        this.ctx = ctx;
        this.unschedulable = unschedulable;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        nodes.forEach(n -> setUnschedulable(ctx, c, n, unschedulable));
        return 0;
    }

    /** Cordons ({@code value} true) or uncordons one node and reports it; drain cordons through this too. */
    static void setUnschedulable(KlContext ctx, ApiClient c, String node, boolean value) {
        String path = item(NodeKind.RESOURCE, null, node);
        JsonNode n = c.getOk(path);
        if (n.path("spec").path("unschedulable").asBoolean() == value) {
            ctx.out().println("node/" + node + " already " + (value ? "cordoned" : "uncordoned"));
            return;
        }
        MergePatch.send(c, path, "{\"spec\":{\"unschedulable\":" + (value ? "true" : "null") + "}}");
        ctx.out().println("node/" + node + (value ? " cordoned" : " uncordoned"));
    }
}
