package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code rolling.go}: one step of a RollingUpdate rollout. The new ReplicaSet grows while
 * the ReplicaSets' sizes stay within spec.replicas + maxSurge; old ReplicaSets shrink while
 * available pods stay at least spec.replicas - maxUnavailable (their unhealthy pods first, which
 * costs no availability). Each step either scales up, or scales down, or — nothing left to do —
 * cleans up history; the status is written after it.
 */
final class RollingUpdater {
    private RollingUpdater() {}

    static void rollout(DeploymentSync s, List<ReplicaSet> rsList) throws Exception {
        DeploymentSync.AllReplicaSets rss = s.allReplicaSetsAndSyncRevision(rsList, true);
        ReplicaSet newRs = rss.newRs();
        List<ReplicaSet> all = rss.all();
        if (reconcileNew(s, all, newRs)) {
            DeploymentProgress.syncRolloutStatus(s, all, newRs);
            return;
        }
        if (reconcileOld(s, all, ReplicaSets.active(rss.oldRss()), newRs)) {
            DeploymentProgress.syncRolloutStatus(s, all, newRs);
            return;
        }
        if (DeploymentProgress.complete(s.d, s.d.getStatus())) {
            s.cleanup(rss.oldRss());
        }
        DeploymentProgress.syncRolloutStatus(s, all, newRs);
    }

    /** kube's {@code reconcileNewReplicaSet}: true when the new ReplicaSet's size changed. */
    private static boolean reconcileNew(DeploymentSync s, List<ReplicaSet> all, ReplicaSet newRs) throws Exception {
        int want = s.replicas();
        int have = ReplicaSets.replicas(newRs);
        if (have == want) {
            return false;
        }
        int next = have > want ? want : ReplicaSets.newRsNewReplicas(s.d, all, newRs);
        return DeploymentSync.changesSize(newRs, s.scaleAndRecordEvent(newRs, next));
    }

    /**
     * kube's {@code reconcileOldReplicaSets}: how far old ReplicaSets may shrink is
     * {@code allPods - minAvailable - newRsUnavailable}, so that unavailable new pods never let the
     * old ones go further. True when any old ReplicaSet shrank.
     */
    private static boolean reconcileOld(DeploymentSync s, List<ReplicaSet> all, List<ReplicaSet> olds, ReplicaSet newRs)
            throws Exception {
        if (ReplicaSets.specSum(olds) == 0) {
            return false;
        }
        Deployment d = s.d;
        int minAvailable = s.replicas() - Fenceposts.maxUnavailable(d);
        int newUnavailable = ReplicaSets.replicas(newRs) - newRs.getStatus().getAvailableReplicas();
        int maxScaledDown = ReplicaSets.specSum(all) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        List<ReplicaSet> cleaned = new ArrayList<>(olds);
        int cleanedUp = cleanupUnhealthy(s, cleaned, maxScaledDown);
        int scaledDown = scaleDownOld(s, ReplicaSets.plus(cleaned, newRs), cleaned);
        return cleanedUp + scaledDown > 0;
    }

    /**
     * kube's {@code cleanupUnhealthyReplicas}: oldest first, drops replicas that are not available.
     * A ReplicaSet whose status counts more available replicas than its spec wants (a status not yet
     * updated after a scale-down) fails the sync, as in kube, rather than being scaled up.
     */
    private static int cleanupUnhealthy(DeploymentSync s, List<ReplicaSet> olds, int maxCleanup) throws Exception {
        olds.sort(ReplicaSets.BY_CREATION);
        int total = 0;
        for (int i = 0; i < olds.size() && total < maxCleanup; i++) {
            ReplicaSet rs = olds.get(i);
            int size = ReplicaSets.replicas(rs);
            int available = rs.getStatus().getAvailableReplicas();
            if (size == 0 || size == available) {
                continue;
            }
            int down = Math.min(maxCleanup - total, size - available);
            if (down < 0) {
                // a status from before the last scale-down (more available than wanted): "cleaning up"
                // would scale the old ReplicaSet up, past the surge; kube refuses the same way and
                // retries once the ReplicaSet controller has caught up
                throw new IllegalStateException(
                        "when cleaning up unhealthy replicas, got invalid request to scale down "
                                + rs.getMetadata().getNamespace() + "/"
                                + rs.getMetadata().getName() + " " + size + " -> "
                                + (size - down));
            }
            olds.set(i, s.scaleAndRecordEvent(rs, size - down));
            total += down;
        }
        return total;
    }

    /** kube's {@code scaleDownOldReplicaSetsForRollingUpdate}: oldest first, down to minAvailable available pods. */
    private static int scaleDownOld(DeploymentSync s, List<ReplicaSet> all, List<ReplicaSet> olds) throws Exception {
        int minAvailable = s.replicas() - Fenceposts.maxUnavailable(s.d);
        int available = ReplicaSets.availableSum(all);
        if (available <= minAvailable) {
            return 0;
        }
        List<ReplicaSet> sorted = new ArrayList<>(olds);
        sorted.sort(ReplicaSets.BY_CREATION);
        int total = 0;
        int target = available - minAvailable;
        for (ReplicaSet rs : sorted) {
            if (total >= target) {
                break;
            }
            int size = ReplicaSets.replicas(rs);
            if (size == 0) {
                continue;
            }
            int down = Math.min(size, target - total);
            s.scaleAndRecordEvent(rs, size - down);
            total += down;
        }
        return total;
    }
}
