package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.view.Json;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * {@code rollout-restart}: what {@code kubectl rollout restart} does to a Deployment, DaemonSet or
 * StatefulSet: patch the pod template's {@code kubectl.kubernetes.io/restartedAt} annotation with
 * the current time (RFC 3339), so the controller rolls every pod. A paused Deployment is refused
 * with kubectl's words, since the change would wait unseen until it is resumed.
 */
public final class RolloutRestartAction implements Action {
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    private static final Set<String> KINDS = Set.of("Deployment", "DaemonSet", "StatefulSet");

    @Override
    public String name() {
        return "rollout-restart";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        WorkloadRef ref = WorkloadRef.from(body, KINDS, "rollout restart");
        ApiCalls api = new ApiCalls(session.api());
        JsonNode current = api.get(ref.path());
        if (current.path("spec").path("paused").asBoolean(false)) {
            throw new ActionException(409, "can't restart paused deployment (run rollout resume first)");
        }
        String now =
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        var patch = Json.object();
        patch.putObject("spec")
                .putObject("template")
                .putObject("metadata")
                .putObject("annotations")
                .put(RESTARTED_AT, now);
        api.send("PATCH", ref.path(), "application/strategic-merge-patch+json", patch.toString());
        return ref.display() + " restarted";
    }
}
