package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.ReplicaSet;
import io.kubelite.controllers.util.Times;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * kube's replica-set arithmetic of {@code deployment_util.go} and {@code controller_utils.go}: which
 * ReplicaSet is a Deployment's new one, the sums of their sizes and counts, the orders they are
 * scaled in, the new ReplicaSet's next size and the share of a scaling event each one gets.
 */
final class ReplicaSets {
    private ReplicaSets() {}

    static int replicas(ReplicaSet rs) {
        return rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1;
    }

    /** Oldest first; ties by name (kube's {@code ReplicaSetsByCreationTimestamp}). */
    static final Comparator<ReplicaSet> BY_CREATION = Comparator.<ReplicaSet>comparingLong(
                    rs -> Times.instant(rs.getMetadata().getCreationTimestamp()).toEpochMilli())
            .thenComparing(rs -> rs.getMetadata().getName());

    /** Larger first, then older first: who loses replicas first when scaling down. */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER =
            Comparator.comparingInt((ReplicaSet rs) -> -replicas(rs)).thenComparing(BY_CREATION);

    /** Larger first, then newer first: who gains replicas first when scaling up. */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER =
            Comparator.comparingInt((ReplicaSet rs) -> -replicas(rs)).thenComparing(BY_CREATION.reversed());

    /** kube's {@code FindNewReplicaSet}: the oldest ReplicaSet whose template is the Deployment's, or null. */
    static ReplicaSet findNew(Deployment d, List<ReplicaSet> rsList) {
        List<ReplicaSet> sorted = new ArrayList<>(rsList);
        sorted.sort(BY_CREATION);
        for (ReplicaSet rs : sorted) {
            if (Templates.equalIgnoreHash(
                    rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                return rs;
            }
        }
        return null;
    }

    /** kube's {@code FindOldReplicaSets} (all of them, scaled down or not): every ReplicaSet but the new one. */
    static List<ReplicaSet> findOld(Deployment d, List<ReplicaSet> rsList) {
        ReplicaSet newRs = findNew(d, rsList);
        List<ReplicaSet> out = new ArrayList<>();
        for (ReplicaSet rs : rsList) {
            if (newRs == null
                    || !rs.getMetadata().getUid().equals(newRs.getMetadata().getUid())) {
                out.add(rs);
            }
        }
        return out;
    }

    /** kube's {@code FilterActiveReplicaSets}: those with spec.replicas > 0 (nulls dropped). */
    static List<ReplicaSet> active(List<ReplicaSet> rss) {
        return rss.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
    }

    /** Sum of spec.replicas (nulls count 0). */
    static int specSum(List<ReplicaSet> rss) {
        return rss.stream()
                .filter(rs -> rs != null)
                .mapToInt(ReplicaSets::replicas)
                .sum();
    }

    static int actualSum(List<ReplicaSet> rss) {
        return rss.stream()
                .filter(rs -> rs != null)
                .mapToInt(rs -> rs.getStatus().getReplicas())
                .sum();
    }

    static int readySum(List<ReplicaSet> rss) {
        return rss.stream()
                .filter(rs -> rs != null)
                .mapToInt(rs -> rs.getStatus().getReadyReplicas())
                .sum();
    }

    static int availableSum(List<ReplicaSet> rss) {
        return rss.stream()
                .filter(rs -> rs != null)
                .mapToInt(rs -> rs.getStatus().getAvailableReplicas())
                .sum();
    }

    /** {@code list} plus {@code rs} when it is not null. */
    static List<ReplicaSet> plus(List<ReplicaSet> list, ReplicaSet rs) {
        List<ReplicaSet> out = new ArrayList<>(list);
        if (rs != null) {
            out.add(rs);
        }
        return out;
    }

    /**
     * kube's {@code FindActiveOrLatest}: the only active ReplicaSet, or the newest when none is
     * active; null when several are active (they are scaled proportionally).
     */
    static ReplicaSet activeOrLatest(ReplicaSet newRs, List<ReplicaSet> oldRss) {
        if (newRs == null && oldRss.isEmpty()) {
            return null;
        }
        List<ReplicaSet> olds = new ArrayList<>(oldRss);
        olds.sort(BY_CREATION.reversed());
        List<ReplicaSet> act = active(plus(olds, newRs));
        return switch (act.size()) {
            case 0 -> newRs != null ? newRs : olds.get(0);
            case 1 -> act.get(0);
            default -> null;
        };
    }

    /**
     * kube's {@code NewRSNewReplicas}: during a rolling update the new ReplicaSet grows as far as
     * maxSurge allows, never beyond spec.replicas; Recreate gives it every replica at once.
     */
    static int newRsNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRs) {
        int desired = Fenceposts.replicas(d);
        if (!Fenceposts.isRollingUpdate(d)) {
            return desired;
        }
        int current = specSum(all);
        int maxTotal = desired + Fenceposts.maxSurge(d);
        if (current >= maxTotal) {
            return replicas(newRs);
        }
        int up = Math.min(maxTotal - current, desired - replicas(newRs));
        return replicas(newRs) + up;
    }

    /** kube's {@code IsSaturated}: the new ReplicaSet has, wants and has available every replica. */
    static boolean isSaturated(Deployment d, ReplicaSet rs) {
        if (rs == null) {
            return false;
        }
        Integer desired = ReplicaSetHistory.intAnnotation(rs, ReplicaSetHistory.DESIRED_REPLICAS);
        int want = Fenceposts.replicas(d);
        return desired != null
                && replicas(rs) == want
                && desired == want
                && rs.getStatus().getAvailableReplicas() == want;
    }

    /** kube's {@code GetProportion}: how many of {@code toAdd} (negative when removing) {@code rs} gets. */
    static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (rs == null || replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    /** kube's {@code getReplicaSetFraction}, from the max-replicas annotation the ReplicaSet was last sized for. */
    private static int fraction(ReplicaSet rs, Deployment d) {
        int desired = Fenceposts.replicas(d);
        if (desired == 0) {
            return -replicas(rs);
        }
        int deploymentReplicas = desired + Fenceposts.maxSurge(d);
        Integer annotated = ReplicaSetHistory.intAnnotation(rs, ReplicaSetHistory.MAX_REPLICAS);
        int base = annotated != null ? annotated : d.getStatus().getReplicas();
        if (base == 0) {
            return 0;
        }
        double size = (double) replicas(rs) * deploymentReplicas / base;
        return (int) Math.round(size) - replicas(rs);
    }
}
