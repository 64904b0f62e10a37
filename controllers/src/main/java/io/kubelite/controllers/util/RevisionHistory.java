package io.kubelite.controllers.util;

import io.kubelite.api.ControllerRevision;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.controllers.deployment.PodTemplateHash;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the StatefulSet and DaemonSet controllers share about the ControllerRevisions that keep
 * their pod-template history (kube's {@code controller_history.go} and the DaemonSet's
 * {@code update.go}): one revision per template, named {@code <owner>-<hash>} where the hash is the
 * FNV-32a {@link PodTemplateHash} of the template and the owner's collision count, numbered in the
 * order the templates were current, its data the patch that restores the template
 * ({@link RevisionData}). Each controller keeps its own policy (which revision is current, what to
 * prune) over these operations.
 */
public final class RevisionHistory {
    private static final long TIMEOUT_SECONDS = 15;

    private RevisionHistory() {}

    /** The revisions among {@code all} whose controller reference names the owner's uid. */
    public static List<ControllerRevision> controlledBy(Iterable<ControllerRevision> all, String ownerUid) {
        List<ControllerRevision> out = new ArrayList<>();
        for (ControllerRevision r : all) {
            if (Pods.controllerRef(r.getMetadata())
                    .map(ref -> ref.getUid().equals(ownerUid))
                    .orElse(false)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Oldest first: by revision number, then name (so equal numbers order the same everywhere). */
    public static List<ControllerRevision> sorted(List<ControllerRevision> rs) {
        List<ControllerRevision> out = new ArrayList<>(rs);
        out.sort(Comparator.comparingLong(ControllerRevision::getRevision)
                .thenComparing(r -> r.getMetadata().getName()));
        return out;
    }

    /** The highest revision number among {@code rs}, 0 when there are none. */
    public static long maxRevision(List<ControllerRevision> rs) {
        long max = 0;
        for (ControllerRevision r : rs) {
            max = Math.max(max, r.getRevision());
        }
        return max;
    }

    /** The hash a template's revision is named for, given the owner's {@code status.collisionCount} (null when unset). */
    public static String hash(PodTemplateSpec template, Integer collisionCount) {
        return PodTemplateHash.compute(template, collisionCount);
    }

    /**
     * A new revision of {@code template} for the owner: named {@code <owner>-<hash>}, labelled with
     * the template's labels plus {@code hashLabel=<hash>}, annotated with {@code annotations} (the
     * DaemonSet copies its own, which carry {@code kubernetes.io/change-cause}), controlled by
     * {@code ownerRef}.
     */
    public static ControllerRevision newRevision(
            ObjectMeta owner,
            OwnerReference ownerRef,
            PodTemplateSpec template,
            Integer collisionCount,
            String hashLabel,
            Map<String, String> annotations,
            long number) {
        String hash = hash(template, collisionCount);
        return ControllerRevision.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(owner.getName() + "-" + hash)
                        .setNamespace(owner.getNamespace())
                        .putAllLabels(template.getMetadata().getLabelsMap())
                        .putLabels(hashLabel, hash)
                        .putAllAnnotations(annotations)
                        .addOwnerReferences(ownerRef))
                .setData(RevisionData.of(template))
                .setRevision(number)
                .build();
    }

    /** Gives an existing revision a new number (a rollback makes an old template the latest). */
    public static ControllerRevision renumber(ObjectStore<ControllerRevision> store, ControllerRevision r, long number)
            throws Exception {
        ObjectMeta m = r.getMetadata();
        return store.guaranteedUpdate(
                        m.getNamespace(),
                        m.getName(),
                        Preconditions.uid(m.getUid()),
                        cur -> cur.toBuilder().setRevision(number).build())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Deletes {@code r} if it is still the object read (its uid); gone already counts as done. */
    public static void delete(ObjectStore<ControllerRevision> store, ControllerRevision r) throws Exception {
        ObjectMeta m = r.getMetadata();
        try {
            store.delete(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw Pods.wrap(e);
            }
        }
    }
}
