package io.kubelite.controllers.deployment;

import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code recreate.go}: a Recreate rollout scales every old ReplicaSet to 0, waits until none
 * of their pods is left (terminating ones count: they may still run), and only then creates or
 * scales up the new ReplicaSet to spec.replicas. Old and new pods never run together.
 */
final class Recreater {
    private Recreater() {}

    /** {@code podsByRs}: the Deployment's pods by the uid of the ReplicaSet that controls them. */
    static void rollout(DeploymentSync s, List<ReplicaSet> rsList, Map<String, List<Pod>> podsByRs) throws Exception {
        DeploymentSync.AllReplicaSets rss = s.allReplicaSetsAndSyncRevision(rsList, false);
        ReplicaSet newRs = rss.newRs();
        List<ReplicaSet> olds = rss.oldRss();
        List<ReplicaSet> all = rss.all();
        boolean scaledDown = false;
        for (ReplicaSet rs : ReplicaSets.active(olds)) {
            scaledDown |= DeploymentSync.changesSize(rs, s.scaleAndRecordEvent(rs, 0));
        }
        if (scaledDown) {
            DeploymentProgress.syncRolloutStatus(s, all, newRs);
            return;
        }
        if (oldPodsRunning(newRs, olds, podsByRs)) {
            DeploymentProgress.syncRolloutStatus(s, all, newRs);
            return;
        }
        if (newRs == null) {
            rss = s.allReplicaSetsAndSyncRevision(rsList, true);
            newRs = rss.newRs();
            olds = rss.oldRss();
            all = rss.all();
        }
        s.scaleAndRecordEvent(newRs, s.replicas());
        if (DeploymentProgress.complete(s.d, s.d.getStatus())) {
            s.cleanup(olds);
        }
        DeploymentProgress.syncRolloutStatus(s, all, newRs);
    }

    /** kube's {@code oldPodsRunning}: an old ReplicaSet reports pods, or any pod of one is not terminal. */
    static boolean oldPodsRunning(ReplicaSet newRs, List<ReplicaSet> olds, Map<String, List<Pod>> podsByRs) {
        if (ReplicaSets.actualSum(olds) > 0) {
            return true;
        }
        for (var e : podsByRs.entrySet()) {
            if (newRs != null && newRs.getMetadata().getUid().equals(e.getKey())) {
                continue;
            }
            for (Pod p : e.getValue()) {
                String phase = p.getStatus().getPhase();
                if (!phase.equals("Failed") && !phase.equals("Succeeded")) {
                    return true;
                }
            }
        }
        return false;
    }
}
