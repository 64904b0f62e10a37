package io.kubelite.controllers.deployment;

import io.kubelite.api.DeploymentCondition;
import io.kubelite.api.DeploymentStatus;
import io.kubelite.api.ReplicaSetCondition;
import io.kubelite.controllers.util.Times;
import java.util.Optional;

/** kube's deployment condition helpers ({@code NewDeploymentCondition}, {@code SetDeploymentCondition}, ...) and reasons. */
final class DeploymentConditions {
    static final String AVAILABLE = "Available";
    static final String PROGRESSING = "Progressing";
    static final String REPLICA_FAILURE = "ReplicaFailure";

    static final String REPLICA_SET_UPDATED = "ReplicaSetUpdated";
    static final String FAILED_RS_CREATE = "ReplicaSetCreateError";
    static final String NEW_REPLICA_SET = "NewReplicaSetCreated";
    static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";
    static final String MIN_AVAILABLE = "MinimumReplicasAvailable";
    static final String MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

    private DeploymentConditions() {}

    /** A condition stamped now (whole seconds, as metav1.Time is written). */
    static DeploymentCondition of(String type, String status, String reason, String message) {
        var now = Times.nowSeconds();
        return DeploymentCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastUpdateTime(now)
                .setLastTransitionTime(now)
                .build();
    }

    static Optional<DeploymentCondition> get(DeploymentStatus st, String type) {
        return st.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst();
    }

    /**
     * kube's {@code SetDeploymentCondition}: nothing changes when a condition of the type has the
     * same status and reason; a condition whose status stays keeps its lastTransitionTime. The
     * condition goes last, as kube appends it.
     */
    static void set(DeploymentStatus.Builder st, DeploymentCondition c) {
        Optional<DeploymentCondition> cur = get(st.build(), c.getType());
        if (cur.isPresent()
                && cur.get().getStatus().equals(c.getStatus())
                && cur.get().getReason().equals(c.getReason())) {
            return;
        }
        DeploymentCondition.Builder nc = c.toBuilder();
        if (cur.isPresent() && cur.get().getStatus().equals(c.getStatus())) {
            nc.setLastTransitionTime(cur.get().getLastTransitionTime());
        }
        remove(st, c.getType());
        st.addConditions(nc);
    }

    static void remove(DeploymentStatus.Builder st, String type) {
        for (int i = st.getConditionsCount() - 1; i >= 0; i--) {
            if (st.getConditions(i).getType().equals(type)) {
                st.removeConditions(i);
            }
        }
    }

    /** kube's {@code ReplicaSetToDeploymentCondition}. */
    static DeploymentCondition fromReplicaSet(ReplicaSetCondition c) {
        return DeploymentCondition.newBuilder()
                .setType(c.getType())
                .setStatus(c.getStatus())
                .setLastTransitionTime(c.getLastTransitionTime())
                .setLastUpdateTime(c.getLastTransitionTime())
                .setReason(c.getReason())
                .setMessage(c.getMessage())
                .build();
    }
}
