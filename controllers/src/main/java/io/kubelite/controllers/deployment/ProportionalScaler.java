package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's {@code sync} and {@code scale}: what a Deployment does when it is paused or when only its
 * size changed. A single active ReplicaSet takes the new size; a saturated new ReplicaSet means the
 * old ones go to 0; otherwise, during a RollingUpdate, the replicas added or removed are shared out
 * in proportion to each active ReplicaSet's size (from its {@code max-replicas} annotation), the
 * larger first (newer first when adding, older first when removing), leftovers to the largest.
 */
final class ProportionalScaler {
    private static final Logger LOG = LoggerFactory.getLogger(ProportionalScaler.class);

    private ProportionalScaler() {}

    /** kube's {@code sync}: scaling only, history cleanup while paused, plain status. */
    static void sync(DeploymentSync s, List<ReplicaSet> rsList) throws Exception {
        DeploymentSync.AllReplicaSets rss = s.allReplicaSetsAndSyncRevision(rsList, false);
        scale(s, rss.newRs(), rss.oldRss());
        if (s.d.getSpec().getPaused()) {
            s.cleanup(rss.oldRss());
        }
        s.syncDeploymentStatus(rss.all(), rss.newRs());
    }

    /**
     * kube's {@code isScalingEvent}: an active ReplicaSet was sized for another spec.replicas (its
     * {@code desired-replicas} annotation says so).
     */
    static boolean isScalingEvent(DeploymentSync s, List<ReplicaSet> rsList) throws Exception {
        DeploymentSync.AllReplicaSets rss = s.allReplicaSetsAndSyncRevision(rsList, false);
        for (ReplicaSet rs : ReplicaSets.active(rss.all())) {
            Integer desired = ReplicaSetHistory.intAnnotation(rs, ReplicaSetHistory.DESIRED_REPLICAS);
            if (desired != null && desired != s.replicas()) {
                LOG.info(
                        "deployment {}: scaling event: ReplicaSet {} (spec.replicas {}) was sized for {} replicas, not {}",
                        s.key(),
                        rs.getMetadata().getName(),
                        ReplicaSets.replicas(rs),
                        desired,
                        s.replicas());
                return true;
            }
        }
        return false;
    }

    static void scale(DeploymentSync s, ReplicaSet newRs, List<ReplicaSet> olds) throws Exception {
        Deployment d = s.d;
        int want = s.replicas();
        ReplicaSet only = ReplicaSets.activeOrLatest(newRs, olds);
        if (only != null) {
            if (ReplicaSets.replicas(only) != want) {
                s.scaleAndRecordEvent(only, want);
            }
            return;
        }
        if (ReplicaSets.isSaturated(d, newRs)) {
            for (ReplicaSet old : ReplicaSets.active(olds)) {
                s.scaleAndRecordEvent(old, 0);
            }
            return;
        }
        if (!Fenceposts.isRollingUpdate(d)) {
            return;
        }
        List<ReplicaSet> all = new ArrayList<>(ReplicaSets.active(ReplicaSets.plus(olds, newRs)));
        int allowed = want > 0 ? want + Fenceposts.maxSurge(d) : 0;
        int toAdd = allowed - ReplicaSets.specSum(all);
        String operation = "";
        if (toAdd > 0) {
            all.sort(ReplicaSets.BY_SIZE_NEWER);
            operation = "up";
        } else if (toAdd < 0) {
            all.sort(ReplicaSets.BY_SIZE_OLDER);
            operation = "down";
        }
        int added = 0;
        Map<String, Integer> size = new HashMap<>();
        for (ReplicaSet rs : all) {
            int p = toAdd != 0 ? ReplicaSets.proportion(rs, d, toAdd, added) : 0;
            size.put(rs.getMetadata().getName(), ReplicaSets.replicas(rs) + p);
            added += p;
        }
        for (int i = 0; i < all.size(); i++) {
            ReplicaSet rs = all.get(i);
            String name = rs.getMetadata().getName();
            if (i == 0 && toAdd != 0) {
                size.put(name, Math.max(0, size.get(name) + toAdd - added));
            }
            s.scale(rs, size.get(name), operation);
        }
    }
}
