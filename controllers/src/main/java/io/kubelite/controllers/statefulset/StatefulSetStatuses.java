package io.kubelite.controllers.statefulset;

import io.kubelite.api.Pod;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetStatus;
import java.time.Instant;
import java.util.List;

/** kube's {@code computeReplicaStatus} and {@code completeRollingUpdate}. */
final class StatefulSetStatuses {
    private StatefulSetStatuses() {}

    /**
     * The status of {@code set} over its existing pods (in range and condemned): replicas counts every
     * pod, ready/available the running-and-ready ones, current/updated the non-terminating pods at
     * the current/update revision. A rolling update whose pods are all updated and ready makes the
     * update revision current.
     */
    static StatefulSetStatus compute(
            StatefulSet set,
            List<Pod> pods,
            String currentRevision,
            String updateRevision,
            int collisionCount,
            Instant now) {
        StatefulSetStatus.Builder st = set.getStatus().toBuilder()
                .setObservedGeneration(set.getMetadata().getGeneration())
                .setCurrentRevision(currentRevision)
                .setUpdateRevision(updateRevision)
                .setReplicas(0)
                .setReadyReplicas(0)
                .setAvailableReplicas(0)
                .setCurrentReplicas(0)
                .setUpdatedReplicas(0);
        if (collisionCount != 0 || st.hasCollisionCount()) {
            st.setCollisionCount(collisionCount);
        }
        int minReady = set.getSpec().getMinReadySeconds();
        for (Pod p : pods) {
            st.setReplicas(st.getReplicas() + 1);
            if (StatefulPods.isRunningAndReady(p)) {
                st.setReadyReplicas(st.getReadyReplicas() + 1);
                if (StatefulPods.isRunningAndAvailable(p, minReady, now)) {
                    st.setAvailableReplicas(st.getAvailableReplicas() + 1);
                }
            }
            if (!StatefulPods.isTerminating(p)) {
                String rev = StatefulPods.revision(p);
                if (rev.equals(currentRevision)) {
                    st.setCurrentReplicas(st.getCurrentReplicas() + 1);
                }
                if (rev.equals(updateRevision)) {
                    st.setUpdatedReplicas(st.getUpdatedReplicas() + 1);
                }
            }
        }
        boolean rolling = set.getSpec().getUpdateStrategy().getType().equals("RollingUpdate");
        if (rolling && st.getUpdatedReplicas() == st.getReplicas() && st.getReadyReplicas() == st.getReplicas()) {
            st.setCurrentReplicas(st.getUpdatedReplicas()).setCurrentRevision(updateRevision);
        }
        return st.build();
    }
}
