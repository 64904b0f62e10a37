package io.kubelite.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The rollout judgement, sentence by sentence, against kubectl rollout status's. */
class RolloutStatusTest {
    @Test
    void aDeploymentIsJudgedInKubectlsOrder() {
        assertThat(RolloutStatus.ofDeployment(deployment(2, 1, "{}")))
                .isEqualTo(new RolloutStatus("progressing", "Waiting for deployment spec update to be observed..."));
        assertThat(
                        RolloutStatus.ofDeployment(
                                deployment(
                                        1,
                                        1,
                                        "{\"replicas\":3,\"updatedReplicas\":1,\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":\"ProgressDeadlineExceeded\"}]}")))
                .isEqualTo(new RolloutStatus("failed", "deployment \"web\" exceeded its progress deadline"));
        assertThat(RolloutStatus.ofDeployment(deployment(1, 1, "{\"replicas\":3,\"updatedReplicas\":1}"))
                        .message())
                .isEqualTo(
                        "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...");
        assertThat(RolloutStatus.ofDeployment(deployment(1, 1, "{\"replicas\":4,\"updatedReplicas\":3}"))
                        .message())
                .isEqualTo(
                        "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...");
        assertThat(RolloutStatus.ofDeployment(
                                deployment(1, 1, "{\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":2}"))
                        .message())
                .isEqualTo(
                        "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...");
        assertThat(RolloutStatus.ofDeployment(
                        deployment(1, 1, "{\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":3}")))
                .isEqualTo(new RolloutStatus("complete", "deployment \"web\" successfully rolled out"));
    }

    @Test
    void daemonSetsAndStatefulSetsToo() {
        assertThat(
                        RolloutStatus.ofDaemonSet(
                                json(
                                        "{\"metadata\":{\"name\":\"agent\",\"generation\":1},\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"}}}")))
                .isEqualTo(new RolloutStatus(
                        "unknown", "rollout status is only available for RollingUpdate strategy type"));
        assertThat(RolloutStatus.ofDaemonSet(
                                json(
                                        "{\"metadata\":{\"name\":\"agent\",\"generation\":1},\"status\":{\"observedGeneration\":1,"
                                                + "\"desiredNumberScheduled\":4,\"updatedNumberScheduled\":4,\"numberAvailable\":3}}"))
                        .message())
                .isEqualTo("Waiting for daemon set \"agent\" rollout to finish: 3 of 4 updated pods are available...");
        assertThat(RolloutStatus.ofStatefulSet(json("{\"metadata\":{\"name\":\"db\",\"generation\":2},"
                        + "\"spec\":{\"replicas\":3,\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}},"
                        + "\"status\":{\"observedGeneration\":2,\"readyReplicas\":3,\"updatedReplicas\":1}}")))
                .isEqualTo(new RolloutStatus(
                        "progressing",
                        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated..."));
        assertThat(RolloutStatus.ofStatefulSet(json("{\"metadata\":{\"name\":\"db\",\"generation\":2},"
                        + "\"spec\":{\"replicas\":3},"
                        + "\"status\":{\"observedGeneration\":2,\"readyReplicas\":3,\"updatedReplicas\":3,\"currentReplicas\":3,"
                        + "\"currentRevision\":\"db-1\",\"updateRevision\":\"db-1\"}}")))
                .isEqualTo(new RolloutStatus(
                        "complete", "statefulset rolling update complete 3 pods at revision db-1..."));
    }

    private static JsonNode deployment(long generation, long observed, String status) {
        JsonNode s = json(status);
        ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("observedGeneration", observed);
        return json("{\"metadata\":{\"name\":\"web\",\"generation\":" + generation
                + "},\"spec\":{\"replicas\":3},\"status\":" + s + "}");
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
