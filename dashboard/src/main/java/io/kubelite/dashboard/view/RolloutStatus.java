package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A workload's rollout as {@code kubectl rollout status} judges it (kubectl's status viewers for
 * Deployments, DaemonSets and StatefulSets, same order of checks and same words): the controller
 * must have observed the latest generation, then every replica must be updated, old ones gone and
 * the updated ones available (or ready, for StatefulSets). A Deployment whose Progressing
 * condition says {@code ProgressDeadlineExceeded} has failed.
 *
 * @param state {@code complete}, {@code progressing}, {@code failed} or {@code unknown} (a strategy
 *     kubectl cannot follow, e.g. OnDelete)
 * @param message kubectl's sentence, e.g. {@code Waiting for deployment "web" rollout to finish: 1
 *     out of 3 new replicas have been updated...}
 */
public record RolloutStatus(String state, String message) {
    public static final String COMPLETE = "complete";
    public static final String PROGRESSING = "progressing";
    public static final String FAILED = "failed";
    public static final String UNKNOWN = "unknown";

    /** kubectl's {@code DeploymentStatusViewer}. */
    public static RolloutStatus ofDeployment(JsonNode d) {
        String name = d.path("metadata").path("name").asText();
        JsonNode status = d.path("status");
        if (!observed(d)) {
            return new RolloutStatus(PROGRESSING, "Waiting for deployment spec update to be observed...");
        }
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals("Progressing")
                    && c.path("reason").asText().equals("ProgressDeadlineExceeded")) {
                return new RolloutStatus(FAILED, "deployment \"" + name + "\" exceeded its progress deadline");
            }
        }
        int desired = d.path("spec").path("replicas").asInt(1);
        int updated = status.path("updatedReplicas").asInt(0);
        int replicas = status.path("replicas").asInt(0);
        int available = status.path("availableReplicas").asInt(0);
        String waiting = "Waiting for deployment \"" + name + "\" rollout to finish: ";
        if (updated < desired) {
            return new RolloutStatus(
                    PROGRESSING, waiting + updated + " out of " + desired + " new replicas have been updated...");
        }
        if (replicas > updated) {
            return new RolloutStatus(
                    PROGRESSING, waiting + (replicas - updated) + " old replicas are pending termination...");
        }
        if (available < updated) {
            return new RolloutStatus(
                    PROGRESSING, waiting + available + " of " + updated + " updated replicas are available...");
        }
        return new RolloutStatus(COMPLETE, "deployment \"" + name + "\" successfully rolled out");
    }

    /** kubectl's {@code DaemonSetStatusViewer}. */
    public static RolloutStatus ofDaemonSet(JsonNode ds) {
        String name = ds.path("metadata").path("name").asText();
        String strategy = ds.path("spec").path("updateStrategy").path("type").asText("RollingUpdate");
        if (!strategy.equals("RollingUpdate")) {
            return new RolloutStatus(UNKNOWN, "rollout status is only available for RollingUpdate strategy type");
        }
        if (!observed(ds)) {
            return new RolloutStatus(PROGRESSING, "Waiting for daemon set spec update to be observed...");
        }
        JsonNode s = ds.path("status");
        int desired = s.path("desiredNumberScheduled").asInt(0);
        int updated = s.path("updatedNumberScheduled").asInt(0);
        int available = s.path("numberAvailable").asInt(0);
        String waiting = "Waiting for daemon set \"" + name + "\" rollout to finish: ";
        if (updated < desired) {
            return new RolloutStatus(
                    PROGRESSING, waiting + updated + " out of " + desired + " new pods have been updated...");
        }
        if (available < desired) {
            return new RolloutStatus(
                    PROGRESSING, waiting + available + " of " + desired + " updated pods are available...");
        }
        return new RolloutStatus(COMPLETE, "daemon set \"" + name + "\" successfully rolled out");
    }

    /** kubectl's {@code StatefulSetStatusViewer}. */
    public static RolloutStatus ofStatefulSet(JsonNode sts) {
        JsonNode spec = sts.path("spec");
        JsonNode s = sts.path("status");
        String strategy = spec.path("updateStrategy").path("type").asText("RollingUpdate");
        if (!strategy.equals("RollingUpdate")) {
            return new RolloutStatus(UNKNOWN, "rollout status is only available for RollingUpdate strategy type");
        }
        if (s.path("observedGeneration").asLong(0) == 0 || !observed(sts)) {
            return new RolloutStatus(PROGRESSING, "Waiting for statefulset spec update to be observed...");
        }
        int replicas = spec.path("replicas").asInt(1);
        int ready = s.path("readyReplicas").asInt(0);
        if (ready < replicas) {
            return new RolloutStatus(PROGRESSING, "Waiting for " + (replicas - ready) + " pods to be ready...");
        }
        // as kubectl: a rollingUpdate block (which the API server defaults) means "partitioned"
        JsonNode rollingUpdate = spec.path("updateStrategy").path("rollingUpdate");
        int updated = s.path("updatedReplicas").asInt(0);
        if (rollingUpdate.isObject()) {
            int expected = replicas - rollingUpdate.path("partition").asInt(0);
            if (rollingUpdate.path("partition").isNumber() && updated < expected) {
                return new RolloutStatus(
                        PROGRESSING,
                        "Waiting for partitioned roll out to finish: " + updated + " out of " + expected
                                + " new pods have been updated...");
            }
            return new RolloutStatus(
                    COMPLETE, "partitioned roll out complete: " + updated + " new pods have been updated...");
        }
        String updateRevision = s.path("updateRevision").asText("");
        if (!updateRevision.equals(s.path("currentRevision").asText(""))) {
            return new RolloutStatus(
                    PROGRESSING,
                    "waiting for statefulset rolling update to complete " + updated + " pods at revision "
                            + updateRevision + "...");
        }
        return new RolloutStatus(
                COMPLETE,
                "statefulset rolling update complete "
                        + s.path("currentReplicas").asInt(0) + " pods at revision "
                        + s.path("currentRevision").asText("") + "...");
    }

    private static boolean observed(JsonNode o) {
        return o.path("metadata").path("generation").asLong(0)
                <= o.path("status").path("observedGeneration").asLong(0);
    }
}
