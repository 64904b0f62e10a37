package io.kubelite.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kl rollout restart deployment|daemonset|statefulset/NAME...}: kubectl's
 * {@code defaultObjectRestarter} — stamps {@code kubectl.kubernetes.io/restartedAt} (now, RFC 3339)
 * on the pod template's annotations; the changed template makes the controller replace every pod.
 * A paused Deployment is refused (it would not roll out), other kinds are not supported.
 */
@Command(name = "restart", description = "Restart a resource's pods.")
final class RolloutRestartCommand implements Callable<Integer> {
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    @Parameters(arity = "1..*", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    private final KlContext ctx;

    RolloutRestartCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        // Go's time.Now().Format(time.RFC3339): local time, whole seconds, Z or the offset
        String now = ZonedDateTime.now(ctx.clock())
                .truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return RolloutPatch.run(ctx, args, "restarted", (r, obj) -> {
            if (r != DeploymentKind.RESOURCE && r != DaemonSetKind.RESOURCE && r != StatefulSetKind.RESOURCE) {
                throw new RolloutPatch.Refused("restarting is not supported");
            }
            if (r == DeploymentKind.RESOURCE && obj.path("spec").path("paused").asBoolean(false)) {
                throw new RolloutPatch.Refused("can't restart paused deployment (run rollout resume first)");
            }
            ObjectNode patch = ApiClient.JSON.createObjectNode();
            patch.putObject("spec")
                    .putObject("template")
                    .putObject("metadata")
                    .putObject("annotations")
                    .put(RESTARTED_AT, now);
            return patch.toString();
        });
    }
}
