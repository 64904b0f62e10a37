package io.kubelite.controllers.deployment;

import io.kubelite.api.Deployment;
import io.kubelite.api.ReplicaSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Deployment's rollout history as kube keeps it in its ReplicaSets' annotations: the revision
 * ({@code deployment.kubernetes.io/revision}, one more than the highest old one when a ReplicaSet
 * becomes the new one; a rolled-back-to ReplicaSet keeps its earlier numbers in
 * {@code revision-history}), the Deployment's own annotations copied over (so that
 * {@code kubectl rollout history} shows each revision's {@code kubernetes.io/change-cause}),
 * {@code desired-replicas} and {@code max-replicas} (what proportional scaling divides by), and
 * which old ReplicaSets {@code revisionHistoryLimit} lets go.
 */
final class ReplicaSetHistory {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetHistory.class);

    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    /** kube limits revision-history to about 100 entries. */
    static final int MAX_HISTORY_CHARS = 2000;

    private static final Set<String> NOT_COPIED = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            REVISION,
            REVISION_HISTORY,
            DESIRED_REPLICAS,
            MAX_REPLICAS,
            "deprecated.deployment.rollback.to");

    private ReplicaSetHistory() {}

    /** The revision of a ReplicaSet or Deployment; 0 when unset, -1 when unparsable. */
    static long revision(Map<String, String> annotations) {
        String v = annotations.get(REVISION);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static long revision(ReplicaSet rs) {
        return revision(rs.getMetadata().getAnnotationsMap());
    }

    /** kube's {@code MaxRevision}. */
    static long maxRevision(List<ReplicaSet> rss) {
        return Math.max(
                0, rss.stream().mapToLong(ReplicaSetHistory::revision).max().orElse(0));
    }

    static Integer intAnnotation(ReplicaSet rs, String key) {
        String v = rs.getMetadata().getAnnotationsMap().get(key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * kube's {@code SetNewReplicaSetAnnotations}: copies the Deployment's annotations (but the skipped
     * ones), raises the revision to {@code newRevision} when lower (recording the old one in
     * revision-history), and for a ReplicaSet about to be created sets desired/max replicas. Returns
     * whether anything changed.
     */
    static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet.Builder rs, long newRevision, boolean exists) {
        var meta = rs.getMetadataBuilder();
        boolean changed = false;
        for (var e : d.getMetadata().getAnnotationsMap().entrySet()) {
            if (NOT_COPIED.contains(e.getKey())
                    || e.getValue().equals(meta.getAnnotationsMap().get(e.getKey()))) {
                continue;
            }
            meta.putAnnotations(e.getKey(), e.getValue());
            changed = true;
        }
        String oldRevision = meta.getAnnotationsMap().get(REVISION);
        long old = 0;
        if (oldRevision != null) {
            try {
                old = Long.parseLong(oldRevision);
            } catch (NumberFormatException e) {
                LOG.warn("ReplicaSet {}: revision {} is not a number", meta.getName(), oldRevision);
                return false;
            }
        }
        if (old < newRevision) {
            meta.putAnnotations(REVISION, Long.toString(newRevision));
            changed = true;
            if (oldRevision != null) {
                appendHistory(meta, oldRevision);
            }
        }
        if (!exists
                && setReplicasAnnotations(
                        rs, Fenceposts.replicas(d), Fenceposts.replicas(d) + Fenceposts.maxSurge(d))) {
            changed = true;
        }
        return changed;
    }

    private static void appendHistory(io.kubelite.api.ObjectMeta.Builder meta, String oldRevision) {
        String history = meta.getAnnotationsMap().getOrDefault(REVISION_HISTORY, "");
        if (history.isEmpty()) {
            meta.putAnnotations(REVISION_HISTORY, oldRevision);
            return;
        }
        List<String> olds = new ArrayList<>(Arrays.asList(history.split(",", -1)));
        int total = history.length() + oldRevision.length() + 1;
        while (total > MAX_HISTORY_CHARS && !olds.isEmpty()) {
            total -= olds.remove(0).length() + 1;
        }
        if (total <= MAX_HISTORY_CHARS) {
            olds.add(oldRevision);
            meta.putAnnotations(REVISION_HISTORY, String.join(",", olds));
        }
    }

    /** kube's {@code SetReplicasAnnotations}; returns whether anything changed. */
    static boolean setReplicasAnnotations(ReplicaSet.Builder rs, int desired, int max) {
        var meta = rs.getMetadataBuilder();
        boolean changed = false;
        if (!Integer.toString(desired).equals(meta.getAnnotationsMap().get(DESIRED_REPLICAS))) {
            meta.putAnnotations(DESIRED_REPLICAS, Integer.toString(desired));
            changed = true;
        }
        if (!Integer.toString(max).equals(meta.getAnnotationsMap().get(MAX_REPLICAS))) {
            meta.putAnnotations(MAX_REPLICAS, Integer.toString(max));
            changed = true;
        }
        return changed;
    }

    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        return setReplicasAnnotations(rs.toBuilder(), desired, max);
    }

    /**
     * kube's {@code cleanupDeployment}: the old ReplicaSets beyond {@code revisionHistoryLimit}, oldest
     * revision first, that may go — scaled to 0 in spec and status, their scale-down observed, not
     * already being deleted. Empty when the limit is unset.
     */
    static List<ReplicaSet> toCleanUp(Deployment d, List<ReplicaSet> oldRss) {
        if (!d.getSpec().hasRevisionHistoryLimit() || d.getSpec().getRevisionHistoryLimit() == Integer.MAX_VALUE) {
            return List.of();
        }
        List<ReplicaSet> alive = new ArrayList<>(oldRss.stream()
                .filter(rs -> !rs.getMetadata().hasDeletionTimestamp())
                .toList());
        int diff = alive.size() - d.getSpec().getRevisionHistoryLimit();
        if (diff <= 0) {
            return List.of();
        }
        alive.sort(Comparator.comparingLong((ReplicaSet rs) -> revision(rs)).thenComparing(ReplicaSets.BY_CREATION));
        List<ReplicaSet> out = new ArrayList<>();
        for (int i = 0; i < diff; i++) {
            ReplicaSet rs = alive.get(i);
            if (rs.getStatus().getReplicas() != 0
                    || ReplicaSets.replicas(rs) != 0
                    || rs.getMetadata().getGeneration() > rs.getStatus().getObservedGeneration()) {
                continue;
            }
            out.add(rs);
        }
        return out;
    }

    /**
     * kube's {@code SetDeploymentRevision}: the Deployment carries its new ReplicaSet's revision.
     * Returns whether it changed.
     */
    static boolean setDeploymentRevision(Deployment.Builder d, String revision) {
        if (revision == null
                || revision.equals(d.getMetadata().getAnnotationsMap().get(REVISION))) {
            return false;
        }
        d.getMetadataBuilder().putAnnotations(REVISION, revision);
        return true;
    }
}
