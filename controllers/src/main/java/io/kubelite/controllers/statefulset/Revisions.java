package io.kubelite.controllers.statefulset;

import io.kubelite.api.ControllerRevision;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.StatefulSet;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A StatefulSet's revision history (kube's {@code getStatefulSetRevisions} and
 * {@code truncateHistory}, over {@code controller_history.go}): one ControllerRevision per pod
 * template the set has had, named {@code <set>-<hash>} (the FNV-32a hash of the template and the
 * collision count, as a Deployment's {@code pod-template-hash}), numbered in order, its data the
 * patch that restores the template ({@link RevisionData}). Pods carry the name in
 * {@code controller-revision-hash}.
 *
 * <p>The update revision is the one whose data equals the set's template: the latest one, or an
 * older one whose number is raised past the latest (a rollback), or a new one. A name already taken
 * by other data is a hash collision: {@code status.collisionCount} goes up and the hash changes.
 * The current revision is the one {@code status.currentRevision} names, else the update revision.
 */
final class Revisions {
    static final String HASH_LABEL = "controller.kubernetes.io/hash";
    private static final long TIMEOUT_SECONDS = 15;

    final ControllerRevision current;
    final ControllerRevision update;
    final int collisionCount;

    private Revisions(ControllerRevision current, ControllerRevision update, int collisionCount) {
        this.current = current;
        this.update = update;
        this.collisionCount = collisionCount;
    }

    /** The current revision's template: the one to make pods below the partition from. */
    PodTemplateSpec currentTemplate(StatefulSet set) {
        if (current.getMetadata().getName().equals(update.getMetadata().getName())) {
            return set.getSpec().getTemplate();
        }
        return RevisionData.template(current.getData()).orElse(set.getSpec().getTemplate());
    }

    static Revisions sync(StatefulSet set, List<ControllerRevision> owned, ObjectStore<ControllerRevision> store)
            throws Exception {
        List<ControllerRevision> revisions = RevisionHistory.sorted(owned);
        int collisions = set.getStatus().hasCollisionCount() ? set.getStatus().getCollisionCount() : 0;
        long next = RevisionHistory.maxRevision(revisions) + 1;
        List<ControllerRevision> equal = revisions.stream()
                .filter(r -> RevisionData.holds(r.getData(), set.getSpec().getTemplate()))
                .toList();
        ControllerRevision update;
        if (!equal.isEmpty() && equal.get(equal.size() - 1) == last(revisions)) {
            update = last(revisions);
        } else if (!equal.isEmpty()) {
            update = RevisionHistory.renumber(store, equal.get(equal.size() - 1), next);
        } else {
            while (true) {
                ControllerRevision want = newRevision(set, next, collisions);
                try {
                    update = store.create(want).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                        throw Pods.wrap(e);
                    }
                    ControllerRevision there = store.get(
                                    want.getMetadata().getNamespace(),
                                    want.getMetadata().getName())
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    if (RevisionData.holds(there.getData(), set.getSpec().getTemplate())
                            && Pods.controllerRef(there.getMetadata())
                                    .map(r ->
                                            r.getUid().equals(set.getMetadata().getUid()))
                                    .orElse(false)) {
                        // made by an earlier sync the cache has not shown yet
                        update = there;
                        break;
                    }
                    collisions++;
                }
            }
        }
        String currentName = set.getStatus().getCurrentRevision();
        ControllerRevision current = revisions.stream()
                .filter(r -> r.getMetadata().getName().equals(currentName))
                .findFirst()
                .orElse(update);
        return new Revisions(current, update, collisions);
    }

    private static ControllerRevision newRevision(StatefulSet set, long number, int collisions) {
        return RevisionHistory.newRevision(
                set.getMetadata(),
                StatefulPods.ownerRef(set),
                set.getSpec().getTemplate(),
                collisions == 0 ? null : collisions,
                HASH_LABEL,
                Map.of(),
                number);
    }

    /**
     * kube's {@code truncateHistory}: revisions no pod uses and that are neither current nor update
     * are deleted, oldest first, down to {@code revisionHistoryLimit}.
     */
    static void truncate(
            StatefulSet set,
            List<Pod> pods,
            List<ControllerRevision> owned,
            Revisions live,
            ObjectStore<ControllerRevision> store) {
        Set<String> used = new HashSet<>();
        pods.forEach(p -> used.add(StatefulPods.revision(p)));
        used.add(live.current.getMetadata().getName());
        used.add(live.update.getMetadata().getName());
        List<ControllerRevision> history = new ArrayList<>();
        for (ControllerRevision r : RevisionHistory.sorted(owned)) {
            if (!used.contains(r.getMetadata().getName())) {
                history.add(r);
            }
        }
        int limit = set.getSpec().hasRevisionHistoryLimit() ? set.getSpec().getRevisionHistoryLimit() : 10;
        for (int i = 0; i < history.size() - limit; i++) {
            ObjectMeta m = history.get(i).getMetadata();
            // not awaited: a delete that fails is retried by the next sync, which still sees the revision
            store.delete(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()));
        }
    }

    private static ControllerRevision last(List<ControllerRevision> rs) {
        return rs.get(rs.size() - 1);
    }
}
