package io.kubelite.controllers.daemon;

import io.kubelite.api.ControllerRevision;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.RevisionData;
import io.kubelite.controllers.util.RevisionHistory;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DaemonSet's template history as ControllerRevisions, as kube's daemon {@code update.go} keeps
 * it ({@code constructHistory}, {@code snapshot}, {@code dedupCurHistories},
 * {@code cleanupHistory}). The current revision is the one whose data restores the DaemonSet's
 * template ({@link RevisionData}); every other controlled revision is old. Its
 * {@code controller-revision-hash} label is the hash the daemon pods carry, so an undo to an older
 * revision makes that revision current again (renumbered past the others) and the pods made from it
 * count as updated.
 *
 * <p>A revision name taken by another template is a hash collision: {@code status.collisionCount}
 * goes up (only if the DaemonSet read still had the count that was hashed) and the sync is retried
 * with the new hash. Old revisions beyond {@code revisionHistoryLimit} (default 10) that no pod
 * carries are deleted, oldest first.
 */
final class DaemonSetHistory {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSetHistory.class);
    static final String HASH_LABEL = DaemonPods.REVISION_HASH_LABEL;
    static final int DEFAULT_HISTORY_LIMIT = 10;
    private static final long TIMEOUT_SECONDS = 15;

    /** The current revision and the old ones (unsorted). */
    record Constructed(ControllerRevision current, List<ControllerRevision> old) {
        /** The hash the DaemonSet's current pods carry. */
        String hash() {
            return current.getMetadata().getLabelsMap().get(HASH_LABEL);
        }
    }

    private final ObjectStore<ControllerRevision> revisions;
    private final ObjectStore<DaemonSet> daemonSets;
    private final ObjectStore<Pod> pods;

    DaemonSetHistory(
            ObjectStore<ControllerRevision> revisions, ObjectStore<DaemonSet> daemonSets, ObjectStore<Pod> pods) {
        this.revisions = revisions;
        this.daemonSets = daemonSets;
        this.pods = pods;
    }

    /**
     * kube's {@code constructHistory}. Empty when a hash collision made it raise the collision count
     * (or found the cached count stale): the caller retries the sync.
     *
     * @param owned the revisions the DaemonSet controls
     * @param daemonPods the DaemonSet's pods (relabelled when duplicate revisions are merged)
     */
    Optional<Constructed> construct(DaemonSet ds, List<ControllerRevision> owned, List<Pod> daemonPods)
            throws Exception {
        List<ControllerRevision> current = new ArrayList<>();
        List<ControllerRevision> old = new ArrayList<>();
        for (ControllerRevision r : owned) {
            if (!r.getMetadata().getLabelsMap().containsKey(HASH_LABEL)) {
                // kube labels a revision made without the label with its name, not a computed hash,
                // so that a collision cannot make two revisions share it
                r = revisions
                        .guaranteedUpdate(
                                r.getMetadata().getNamespace(),
                                r.getMetadata().getName(),
                                Preconditions.uid(r.getMetadata().getUid()),
                                cur -> cur.toBuilder()
                                        .setMetadata(cur.getMetadata().toBuilder()
                                                .putLabels(
                                                        HASH_LABEL,
                                                        cur.getMetadata().getName()))
                                        .build())
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (RevisionData.holds(r.getData(), ds.getSpec().getTemplate())) {
                current.add(r);
            } else {
                old.add(r);
            }
        }
        long next = RevisionHistory.maxRevision(old) + 1;
        ControllerRevision cur;
        if (current.isEmpty()) {
            Optional<ControllerRevision> made = snapshot(ds, next);
            if (made.isEmpty()) {
                return Optional.empty();
            }
            cur = made.get();
        } else {
            cur = dedup(ds, current, daemonPods);
            if (cur.getRevision() < next) {
                cur = RevisionHistory.renumber(revisions, cur, next);
                LOG.info(
                        "DaemonSet {}: revision {} is current again, now number {}",
                        DaemonSetController.key(ds.getMetadata()),
                        cur.getMetadata().getName(),
                        next);
            }
        }
        return Optional.of(new Constructed(cur, old));
    }

    /** kube's {@code snapshot}: a new revision of the template, or the one an earlier sync made. */
    private Optional<ControllerRevision> snapshot(DaemonSet ds, long number) throws Exception {
        Integer collisions = ds.getStatus().hasCollisionCount() ? ds.getStatus().getCollisionCount() : null;
        ControllerRevision want = RevisionHistory.newRevision(
                ds.getMetadata(),
                DaemonSetController.ownerRef(ds),
                ds.getSpec().getTemplate(),
                collisions,
                HASH_LABEL,
                ds.getMetadata().getAnnotationsMap(),
                number);
        ObjectMeta m = want.getMetadata();
        try {
            ControllerRevision made = revisions.create(want).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info(
                    "DaemonSet {}: created revision {} (number {})",
                    DaemonSetController.key(ds.getMetadata()),
                    m.getName(),
                    number);
            return Optional.of(made);
        } catch (Exception e) {
            if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                throw Pods.wrap(e);
            }
        }
        ControllerRevision there = revisions.get(m.getNamespace(), m.getName()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        boolean ours = Pods.controllerRef(there.getMetadata())
                .map(r -> r.getUid().equals(ds.getMetadata().getUid()))
                .orElse(false);
        if (ours && RevisionData.holds(there.getData(), ds.getSpec().getTemplate())) {
            // made by an earlier sync the cache has not shown yet
            return Optional.of(there);
        }
        bumpCollisionCount(ds, collisions);
        return Optional.empty();
    }

    /**
     * Raises {@code status.collisionCount} by one, unless the stored DaemonSet's count is no longer
     * the one hashed (a stale cache: the retry hashes with the stored count).
     */
    private void bumpCollisionCount(DaemonSet ds, Integer hashed) throws Exception {
        ObjectMeta m = ds.getMetadata();
        int[] now = new int[1];
        try {
            daemonSets
                    .guaranteedUpdate(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), cur -> {
                        Integer have = cur.getStatus().hasCollisionCount()
                                ? cur.getStatus().getCollisionCount()
                                : null;
                        if (!Objects.equals(have, hashed)) {
                            throw new StaleCollisionCount();
                        }
                        now[0] = have == null ? 1 : have + 1;
                        return cur.toBuilder()
                                .setStatus(cur.getStatus().toBuilder().setCollisionCount(now[0]))
                                .build();
                    })
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("DaemonSet {}: hash collision, collisionCount raised to {}", DaemonSetController.key(m), now[0]);
        } catch (Exception e) {
            if (causedBy(e, StaleCollisionCount.class)) {
                LOG.info("DaemonSet {}: stale collision count {}, retrying", DaemonSetController.key(m), hashed);
                return;
            }
            if (!Pods.isGone(e)) {
                throw Pods.wrap(e);
            }
        }
    }

    private static final class StaleCollisionCount extends RuntimeException {
        StaleCollisionCount() {
            super("collision count changed", null, false, false);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * kube's {@code dedupCurHistories}: of several revisions holding the current template (two syncs
     * raced, or a collision count changed), the highest-numbered is kept; pods labelled with another
     * one's hash are relabelled to the kept hash, then the other is deleted. (kube relabels every
     * daemon pod whose hash differs, old ones too, which would count old pods as updated; only pods
     * of the duplicate hold its template, so only they are relabelled here.)
     */
    private ControllerRevision dedup(DaemonSet ds, List<ControllerRevision> current, List<Pod> daemonPods)
            throws Exception {
        ControllerRevision keep = current.get(0);
        for (ControllerRevision r : current) {
            if (r.getRevision() >= keep.getRevision()) {
                keep = r;
            }
        }
        String keepHash = keep.getMetadata().getLabelsMap().get(HASH_LABEL);
        for (ControllerRevision dup : current) {
            if (dup == keep) {
                continue;
            }
            String dupHash = dup.getMetadata().getLabelsMap().get(HASH_LABEL);
            for (Pod p : daemonPods) {
                if (dupHash.equals(p.getMetadata().getLabelsMap().get(HASH_LABEL))) {
                    relabel(p, keepHash);
                }
            }
            RevisionHistory.delete(revisions, dup);
            LOG.info(
                    "DaemonSet {}: deleted duplicate revision {} (kept {})",
                    DaemonSetController.key(ds.getMetadata()),
                    dup.getMetadata().getName(),
                    keep.getMetadata().getName());
        }
        return keep;
    }

    private void relabel(Pod p, String hash) throws Exception {
        ObjectMeta m = p.getMetadata();
        try {
            pods.guaranteedUpdate(
                            m.getNamespace(),
                            m.getName(),
                            Preconditions.uid(m.getUid()),
                            cur -> cur.toBuilder()
                                    .setMetadata(cur.getMetadata().toBuilder().putLabels(HASH_LABEL, hash))
                                    .build())
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw Pods.wrap(e);
            }
        }
    }

    /**
     * kube's {@code cleanupHistory}: while there are more old revisions than
     * {@code revisionHistoryLimit}, deletes the oldest whose hash no pod of the DaemonSet (terminal
     * and deleted ones included) carries.
     */
    void cleanup(DaemonSet ds, List<ControllerRevision> old, List<Pod> allPods) throws Exception {
        int limit =
                ds.getSpec().hasRevisionHistoryLimit() ? ds.getSpec().getRevisionHistoryLimit() : DEFAULT_HISTORY_LIMIT;
        int toKill = old.size() - limit;
        if (toKill <= 0) {
            return;
        }
        Set<String> live = new HashSet<>();
        for (Pod p : allPods) {
            String h = p.getMetadata().getLabelsMap().get(HASH_LABEL);
            if (h != null && !h.isEmpty()) {
                live.add(h);
            }
        }
        for (ControllerRevision r : RevisionHistory.sorted(old)) {
            if (toKill <= 0) {
                break;
            }
            if (live.contains(r.getMetadata().getLabelsMap().get(HASH_LABEL))) {
                continue;
            }
            RevisionHistory.delete(revisions, r);
            LOG.info(
                    "DaemonSet {}: deleted old revision {} (number {}, over the history limit {})",
                    DaemonSetController.key(ds.getMetadata()),
                    r.getMetadata().getName(),
                    r.getRevision(),
                    limit);
            toKill--;
        }
    }
}
