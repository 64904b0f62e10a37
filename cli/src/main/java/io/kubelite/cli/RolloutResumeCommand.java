package io.kubelite.cli;

import io.kubelite.kinds.apps.deployment.DeploymentKind;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kl rollout resume deployment/NAME...}: kubectl's {@code defaultObjectResumer} — clears a
 * paused Deployment's {@code spec.paused}, so the controller rolls out what changed meanwhile. Only
 * Deployments resume; one that is not paused is an error, as in kubectl.
 */
@Command(name = "resume", description = "Resume a paused Deployment.")
final class RolloutResumeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    private final KlContext ctx;

    RolloutResumeCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return RolloutPatch.run(ctx, args, "resumed", (r, obj) -> {
            if (r != DeploymentKind.RESOURCE) {
                throw new RolloutPatch.Refused("resuming is not supported");
            }
            if (!obj.path("spec").path("paused").asBoolean(false)) {
                throw new RolloutPatch.Refused("is not paused");
            }
            // kubectl's patch: paused is omitempty, so false is its removal
            return "{\"spec\":{\"paused\":null}}";
        });
    }
}
