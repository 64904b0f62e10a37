package io.kubelite.controllers.statefulset;

import io.kubelite.api.Pod;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One sync of one StatefulSet: kube's {@code updateStatefulSet} ({@code stateful_set_control.go}).
 *
 * <p>The pods with ordinals in {@code [start, start+replicas)} are the set's replicas; pods of other
 * ordinals are condemned. Then, in this order, and under OrderedReady stopping at the first thing
 * it does or waits for:
 *
 * <ol>
 *   <li>a failed or succeeded replica is deleted (and made again by a later sync, with its name);
 *   <li>a missing replica is created, after its volumeClaimTemplates' claims
 *       ({@link StatefulClaimControl}): in ordinal order, each one Running and Ready (and available
 *       for minReadySeconds) before the next; Parallel creates them all;
 *   <li>a replica whose identity labels drifted gets them back;
 *   <li>condemned pods are deleted from the highest ordinal down, one at a time and only while the
 *       others are healthy under OrderedReady, all at once under Parallel;
 *   <li>RollingUpdate: from the highest ordinal down to {@code partition}, the first pod not at the
 *       update revision is deleted (it is recreated at the update revision), and the update waits
 *       for each recreated pod to be healthy. OnDelete does nothing: a pod changes revision only
 *       when someone deletes it.
 * </ol>
 *
 * A missing replica below the partition is created at the current revision, from the template its
 * ControllerRevision keeps ({@link Revisions}).
 */
final class StatefulSetControl {
    private final StatefulSet set;
    private final StatefulPodControl control;
    private final Instant now;
    /** When the set must be looked at again (a pod that is ready but not yet available), or null. */
    Duration requeueAfter;

    private final Revisions revisions;

    private final StatefulClaimControl claims;

    StatefulSetControl(
            StatefulSet set,
            Revisions revisions,
            StatefulPodControl control,
            StatefulClaimControl claims,
            Instant now) {
        this.set = set;
        this.revisions = revisions;
        this.control = control;
        this.claims = claims;
        this.now = now;
    }

    /** Acts on {@code owned} (the set's pods) and returns the status to write. */
    StatefulSetStatus sync(List<Pod> owned) throws Exception {
        String updateRevision = revisions.update.getMetadata().getName();
        String currentRevision = revisions.current.getMetadata().getName();
        int replicaCount = set.getSpec().hasReplicas() ? set.getSpec().getReplicas() : 1;
        int start = set.getSpec().getOrdinals().getStart();
        boolean monotonic = !set.getSpec().getPodManagementPolicy().equals("Parallel");
        int minReady = set.getSpec().getMinReadySeconds();

        Pod[] replicas = new Pod[replicaCount];
        List<Pod> condemned = new ArrayList<>();
        for (Pod p : owned) {
            int ord = StatefulPods.ordinal(set, p);
            if (ord >= start && ord < start + replicaCount) {
                replicas[ord - start] = p;
            } else if (ord >= 0) {
                condemned.add(p);
            }
        }
        condemned.sort(
                Comparator.comparingInt((Pod p) -> StatefulPods.ordinal(set, p)).reversed());
        List<Pod> existing = new ArrayList<>(
                owned.stream().filter(p -> StatefulPods.ordinal(set, p) >= 0).toList());
        StatefulSetStatus status = StatefulSetStatuses.compute(
                set, existing, currentRevision, updateRevision, revisions.collisionCount, now);

        for (int i = 0; i < replicaCount; i++) {
            Pod p = replicas[i];
            int ord = start + i;
            if (p != null && (StatefulPods.isFailed(p) || StatefulPods.isSucceeded(p))) {
                if (!StatefulPods.isTerminating(p)) {
                    control.delete(set, p);
                }
                if (monotonic) {
                    return status;
                }
                continue;
            }
            if (p == null) {
                claims.createMissing(set, StatefulPods.name(set, ord), ord); // kube: the claims before the pod
                control.create(set, newPod(ord, currentRevision, updateRevision));
                if (monotonic) {
                    return status;
                }
                continue;
            }
            if (!StatefulPods.isTerminating(p)) {
                // a claim deleted under a live pod is made again (kube 1.27+), and owners follow the policy
                claims.createMissing(set, p.getMetadata().getName(), ord);
                claims.applyRetention(set, p, ord, false);
            }
            if (StatefulPods.isTerminating(p) && monotonic) {
                return status;
            }
            if (!StatefulPods.isRunningAndReady(p) && monotonic) {
                return status;
            }
            if (monotonic && !StatefulPods.isRunningAndAvailable(p, minReady, now)) {
                requeueAfter = Duration.ofSeconds(minReady);
                return status;
            }
            if (!StatefulPods.isTerminating(p) && !StatefulPods.identityMatches(set, p, ord)) {
                control.updateIdentity(set, p, ord);
            }
        }

        for (Pod p : condemned) {
            if (StatefulPods.isTerminating(p)) {
                if (monotonic) {
                    return status;
                }
                continue;
            }
            if (monotonic && !StatefulPods.isHealthy(p) && p != firstUnhealthy(replicas, condemned)) {
                return status;
            }
            // whenScaled Delete: the claims go with the condemned pod (the garbage collector)
            claims.applyRetention(set, p, StatefulPods.ordinal(set, p), true);
            control.delete(set, p);
            if (monotonic) {
                return status;
            }
        }

        var strategy = set.getSpec().getUpdateStrategy();
        if (!strategy.getType().equals("RollingUpdate")) {
            return status;
        }
        int updateMin =
                strategy.hasRollingUpdate() ? strategy.getRollingUpdate().getPartition() : 0;
        for (int target = replicaCount - 1; target >= updateMin; target--) {
            Pod p = replicas[target];
            if (p == null) {
                return status;
            }
            if (!StatefulPods.revision(p).equals(updateRevision) && !StatefulPods.isTerminating(p)) {
                control.delete(set, p);
                return status;
            }
            if (!StatefulPods.isHealthy(p)) {
                return status;
            }
        }
        return status;
    }

    /** kube's {@code firstUnhealthyPod}: replicas in ordinal order, then condemned pods from the highest ordinal. */
    private static Pod firstUnhealthy(Pod[] replicas, List<Pod> condemned) {
        for (Pod p : replicas) {
            if (p != null && !StatefulPods.isHealthy(p)) {
                return p;
            }
        }
        for (Pod p : condemned) {
            if (!StatefulPods.isHealthy(p)) {
                return p;
            }
        }
        return null;
    }

    /** kube's {@code newVersionedStatefulSetPod}: below the partition the current revision, else the update one. */
    private Pod newPod(int ordinal, String currentRevision, String updateRevision) {
        var strategy = set.getSpec().getUpdateStrategy();
        int start = set.getSpec().getOrdinals().getStart();
        boolean useCurrent = strategy.getType().equals("RollingUpdate")
                && strategy.hasRollingUpdate()
                && ordinal < start + strategy.getRollingUpdate().getPartition();
        if (useCurrent) {
            return StatefulPods.newPod(set, revisions.currentTemplate(set), currentRevision, ordinal);
        }
        return StatefulPods.newPod(set, set.getSpec().getTemplate(), updateRevision, ordinal);
    }
}
