package io.kubelite.controllers.replicaset;

import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetCondition;
import io.kubelite.api.ReplicaSetStatus;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code calculateStatus} for a ReplicaSet, as a pure function: replica counts of
 * its owned pods (fully labeled, ready, available after minReadySeconds at {@code now}),
 * the observed generation, and the ReplicaFailure condition (kept with its transition
 * time while it stays, dropped when the last sync had no failure).
 */
final class ReplicaSetStatuses {
    private ReplicaSetStatuses() {}

    /** {@code failReason} null: the last sync created and deleted what it had to. */
    static ReplicaSetStatus compute(
            ReplicaSet rs, List<Pod> owned, String failReason, String failMessage, Instant now) {
        int mrs = rs.getSpec().getMinReadySeconds();
        Map<String, String> templateLabels =
                rs.getSpec().getTemplate().getMetadata().getLabelsMap();
        int fully = 0;
        int ready = 0;
        int available = 0;
        for (Pod p : owned) {
            if (p.getMetadata().getLabelsMap().entrySet().containsAll(templateLabels.entrySet())) {
                fully++;
            }
            if (Pods.isReady(p)) {
                ready++;
                if (Pods.isAvailable(p, mrs, now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus.Builder st = rs.getStatus().toBuilder()
                .setReplicas(owned.size())
                .setFullyLabeledReplicas(fully)
                .setReadyReplicas(ready)
                .setAvailableReplicas(available)
                .setObservedGeneration(rs.getMetadata().getGeneration());
        List<ReplicaSetCondition> conds = new ArrayList<>();
        for (ReplicaSetCondition c : st.getConditionsList()) {
            if (!c.getType().equals("ReplicaFailure")) {
                conds.add(c);
            }
        }
        if (failReason != null) {
            ReplicaSetCondition old = rs.getStatus().getConditionsList().stream()
                    .filter(c -> c.getType().equals("ReplicaFailure"))
                    .findFirst()
                    .orElse(null);
            conds.add(ReplicaSetCondition.newBuilder()
                    .setType("ReplicaFailure")
                    .setStatus("True")
                    .setReason(failReason)
                    .setMessage(failMessage == null ? "" : failMessage)
                    .setLastTransitionTime(old != null ? old.getLastTransitionTime() : Times.nowSeconds())
                    .build());
        }
        st.clearConditions().addAllConditions(conds);
        return st.build();
    }
}
