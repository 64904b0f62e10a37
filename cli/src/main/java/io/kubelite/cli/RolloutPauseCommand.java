package io.kubelite.cli;

import io.kubelite.kinds.apps.deployment.DeploymentKind;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kl rollout pause deployment/NAME...}: kubectl's {@code defaultObjectPauser} — sets a
 * Deployment's {@code spec.paused}, so the Deployment controller stops rolling out template changes.
 * Only Deployments pause; an already paused one is an error, as in kubectl.
 */
@Command(name = "pause", description = "Mark a Deployment as paused.")
final class RolloutPauseCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    private final KlContext ctx;

    RolloutPauseCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return RolloutPatch.run(ctx, args, "paused", (r, obj) -> {
            if (r != DeploymentKind.RESOURCE) {
                throw new RolloutPatch.Refused("pausing is not supported");
            }
            if (obj.path("spec").path("paused").asBoolean(false)) {
                throw new RolloutPatch.Refused("is already paused");
            }
            return "{\"spec\":{\"paused\":true}}";
        });
    }
}
