package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.auth.Session;
import java.util.Set;

/**
 * {@code scale}: sets a Deployment's, ReplicaSet's or StatefulSet's replicas through its {@code
 * /scale} subresource, as {@code kubectl scale} does. Body: {@code kind}, {@code namespace},
 * {@code name}, {@code replicas} (a non-negative integer, as a number or a string of digits).
 */
public final class ScaleAction implements Action {
    private static final Set<String> KINDS = Set.of("Deployment", "ReplicaSet", "StatefulSet");

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        WorkloadRef ref = WorkloadRef.from(body, KINDS, "scale");
        int replicas = replicas(body.path("replicas"));
        new ApiCalls(session.api())
                .send(
                        "PATCH",
                        ref.path() + "/scale",
                        "application/merge-patch+json",
                        "{\"spec\":{\"replicas\":" + replicas + "}}");
        return ref.display() + " scaled to " + replicas;
    }

    static int replicas(JsonNode v) throws ActionException {
        String text = v.isNumber() || v.isTextual() ? v.asText().strip() : "";
        if (!text.matches("[0-9]{1,10}") || Long.parseLong(text) > Integer.MAX_VALUE) {
            throw new ActionException(
                    400,
                    "replicas must be a whole number, 0 or more, not \"" + (v.isMissingNode() ? "" : v.asText())
                            + "\"");
        }
        return Integer.parseInt(text);
    }
}
