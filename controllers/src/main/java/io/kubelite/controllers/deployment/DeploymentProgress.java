package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentCondition;
import io.kubelite.api.DeploymentStatus;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetCondition;
import io.kubelite.controllers.util.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A Deployment's status and its progress (kube's {@code calculateStatus} and {@code progress.go}):
 * the counts summed over its ReplicaSets, {@code Available} against spec.replicas - maxUnavailable,
 * and during a rollout the {@code Progressing} condition — {@code ReplicaSetUpdated} whenever pods
 * move, {@code NewReplicaSetAvailable} once complete, {@code ProgressDeadlineExceeded} (status False)
 * when nothing moved for {@code progressDeadlineSeconds}; replica failures of the ReplicaSets become
 * a {@code ReplicaFailure} condition.
 */
final class DeploymentProgress {
    private DeploymentProgress() {}

    /** kube's {@code HasProgressDeadline}: set and not MaxInt32. */
    static boolean hasProgressDeadline(Deployment d) {
        return d.getSpec().hasProgressDeadlineSeconds()
                && d.getSpec().getProgressDeadlineSeconds() != Integer.MAX_VALUE;
    }

    /** kube's {@code calculateStatus}. */
    static DeploymentStatus calculateStatus(List<ReplicaSet> all, ReplicaSet newRs, Deployment d) {
        int available = ReplicaSets.availableSum(all);
        int total = ReplicaSets.specSum(all);
        DeploymentStatus.Builder st = DeploymentStatus.newBuilder()
                .setObservedGeneration(d.getMetadata().getGeneration())
                .setReplicas(ReplicaSets.actualSum(all))
                .setUpdatedReplicas(ReplicaSets.actualSum(newRs == null ? List.of() : List.of(newRs)))
                .setReadyReplicas(ReplicaSets.readySum(all))
                .setAvailableReplicas(available)
                .setUnavailableReplicas(Math.max(0, total - available))
                .addAllConditions(d.getStatus().getConditionsList());
        if (d.getStatus().hasCollisionCount()) {
            st.setCollisionCount(d.getStatus().getCollisionCount());
        }
        if (available >= Fenceposts.replicas(d) - Fenceposts.maxUnavailable(d)) {
            DeploymentConditions.set(
                    st,
                    DeploymentConditions.of(
                            DeploymentConditions.AVAILABLE,
                            "True",
                            DeploymentConditions.MIN_AVAILABLE,
                            "Deployment has minimum availability."));
        } else {
            DeploymentConditions.set(
                    st,
                    DeploymentConditions.of(
                            DeploymentConditions.AVAILABLE,
                            "False",
                            DeploymentConditions.MIN_UNAVAILABLE,
                            "Deployment does not have minimum availability."));
        }
        return st.build();
    }

    /** kube's {@code DeploymentComplete}: every replica updated and available, no old one, the spec observed. */
    static boolean complete(Deployment d, DeploymentStatus st) {
        int want = Fenceposts.replicas(d);
        return st.getUpdatedReplicas() == want
                && st.getReplicas() == want
                && st.getAvailableReplicas() == want
                && st.getObservedGeneration() >= d.getMetadata().getGeneration();
    }

    /** kube's {@code DeploymentProgressing}: pods updated, old ones gone, or more ready or available. */
    static boolean progressing(Deployment d, DeploymentStatus st) {
        DeploymentStatus old = d.getStatus();
        int oldOld = old.getReplicas() - old.getUpdatedReplicas();
        int newOld = st.getReplicas() - st.getUpdatedReplicas();
        return st.getUpdatedReplicas() > old.getUpdatedReplicas()
                || newOld < oldOld
                || st.getReadyReplicas() > old.getReadyReplicas()
                || st.getAvailableReplicas() > old.getAvailableReplicas();
    }

    /** kube's {@code DeploymentTimedOut}: no progress recorded for progressDeadlineSeconds. */
    static boolean timedOut(Deployment d, DeploymentStatus st, Instant now) {
        if (!hasProgressDeadline(d)) {
            return false;
        }
        Optional<DeploymentCondition> c = DeploymentConditions.get(st, DeploymentConditions.PROGRESSING);
        if (c.isEmpty() || c.get().getReason().equals(DeploymentConditions.NEW_RS_AVAILABLE)) {
            return false;
        }
        if (c.get().getReason().equals(DeploymentConditions.TIMED_OUT)) {
            return true;
        }
        Instant from = Times.instant(c.get().getLastUpdateTime());
        return from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
    }

    /**
     * kube's {@code syncRolloutStatus}: the status a rollout step leaves, with its progress estimate.
     * Writes it when it differs; when it does not, sets {@code s.requeueAfter} for the next progress check.
     */
    static void syncRolloutStatus(DeploymentSync s, List<ReplicaSet> all, ReplicaSet newRs) throws Exception {
        Deployment d = s.d;
        DeploymentStatus.Builder st = calculateStatus(all, newRs, d).toBuilder();
        if (!hasProgressDeadline(d)) {
            DeploymentConditions.remove(st, DeploymentConditions.PROGRESSING);
        }
        Optional<DeploymentCondition> current =
                DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
        boolean completeBefore = st.getReplicas() == st.getUpdatedReplicas()
                && current.isPresent()
                && current.get().getReason().equals(DeploymentConditions.NEW_RS_AVAILABLE);
        if (hasProgressDeadline(d) && !completeBefore) {
            String subject = newRs != null
                    ? "ReplicaSet \"" + newRs.getMetadata().getName() + "\""
                    : "Deployment \"" + d.getMetadata().getName() + "\"";
            if (complete(d, st.build())) {
                DeploymentConditions.set(
                        st,
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING,
                                "True",
                                DeploymentConditions.NEW_RS_AVAILABLE,
                                subject + " has successfully progressed."));
            } else if (progressing(d, st.build())) {
                DeploymentCondition.Builder c = DeploymentConditions.of(
                        DeploymentConditions.PROGRESSING,
                        "True",
                        DeploymentConditions.REPLICA_SET_UPDATED,
                        subject + " is progressing.")
                        .toBuilder();
                if (current.isPresent()) {
                    if (current.get().getStatus().equals("True")) {
                        c.setLastTransitionTime(current.get().getLastTransitionTime());
                    }
                    DeploymentConditions.remove(st, DeploymentConditions.PROGRESSING);
                }
                DeploymentConditions.set(st, c.build());
            } else if (timedOut(d, st.build(), Instant.now())) {
                DeploymentConditions.set(
                        st,
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING,
                                "False",
                                DeploymentConditions.TIMED_OUT,
                                subject + " has timed out progressing."));
            }
        }
        List<DeploymentCondition> failures = replicaFailures(all, newRs);
        if (!failures.isEmpty()) {
            DeploymentConditions.set(st, failures.get(0));
        } else {
            DeploymentConditions.remove(st, DeploymentConditions.REPLICA_FAILURE);
        }
        DeploymentStatus want = st.build();
        if (want.equals(d.getStatus())) {
            s.requeueAfter = requeueStuck(d, want, Instant.now());
            return;
        }
        s.writeStatus(d.toBuilder().setStatus(want).build());
    }

    /** The new ReplicaSet's ReplicaFailure conditions, else any old one's. */
    private static List<DeploymentCondition> replicaFailures(List<ReplicaSet> all, ReplicaSet newRs) {
        if (newRs != null) {
            List<DeploymentCondition> own = failures(newRs);
            if (!own.isEmpty()) {
                return own;
            }
        }
        return all.stream().flatMap(rs -> failures(rs).stream()).toList();
    }

    private static List<DeploymentCondition> failures(ReplicaSet rs) {
        return rs.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(DeploymentConditions.REPLICA_FAILURE))
                .map((ReplicaSetCondition c) -> DeploymentConditions.fromReplicaSet(c))
                .toList();
    }

    /**
     * kube's {@code requeueStuckDeployment}: when a rollout shows no progress, look again when its
     * deadline would pass (plus a second); null when no check is due.
     */
    static Duration requeueStuck(Deployment d, DeploymentStatus st, Instant now) {
        Optional<DeploymentCondition> c = DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
        if (!hasProgressDeadline(d) || c.isEmpty()) {
            return null;
        }
        if (complete(d, st) || c.get().getReason().equals(DeploymentConditions.TIMED_OUT)) {
            return null;
        }
        Instant due = Times.instant(c.get().getLastUpdateTime())
                .plusSeconds(d.getSpec().getProgressDeadlineSeconds());
        Duration after = Duration.between(now, due);
        if (after.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofMillis(500);
        }
        return after.plusSeconds(1);
    }
}
