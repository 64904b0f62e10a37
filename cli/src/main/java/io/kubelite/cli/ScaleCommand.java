package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.targets;
import static io.kubelite.cli.ResourceArgs.typeName;

import io.kubelite.kinds.Kinds;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kl scale rs|deploy NAME --replicas N}: sets the replicas of the kinds with a scale subresource. */
@Command(name = "scale", description = "Set a new size for a ReplicaSet or a Deployment.")
final class ScaleCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    @Option(names = "--replicas", required = true)
    int replicas;

    private final KlContext ctx;

    ScaleCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        for (var t : targets(args)) {
            if (!Kinds.of(t.getKey()).hasSubresource("scale")) {
                throw new KlException("error: cannot scale " + t.getKey().plural() + ": no scale subresource");
            }
            // as kubectl: a patch of the scale subresource
            MergePatch.send(
                    c,
                    item(t.getKey(), ctx.namespace(), t.getValue()) + "/scale",
                    "{\"spec\":{\"replicas\":" + replicas + "}}");
            ctx.out().println(typeName(t.getKey()) + "/" + t.getValue() + " scaled");
        }
        return 0;
    }
}
