package io.kubelite.controllers.statefulset;

import io.kubelite.api.StatefulSet;
import io.kubelite.controllers.deployment.PodTemplateHash;

/**
 * The StatefulSet's revisions. kube keeps each revision as a ControllerRevision named
 * {@code <set>-<hash>} and labels pods with that name in {@code controller-revision-hash}; kubelite
 * has no ControllerRevision kind, so a revision is that name alone: the set's name and the hash of
 * its pod template and collision count (the same FNV-32a hash as a Deployment's
 * {@code pod-template-hash}). The update revision is the current template's; the current revision
 * is {@code status.currentRevision}, or the update revision when there is none. The template of
 * an older revision is not kept anywhere.
 */
final class Revisions {
    private Revisions() {}

    static String update(StatefulSet set) {
        Integer collisions =
                set.getStatus().hasCollisionCount() ? set.getStatus().getCollisionCount() : null;
        return set.getMetadata().getName() + "-"
                + PodTemplateHash.compute(set.getSpec().getTemplate(), collisions);
    }

    static String current(StatefulSet set, String update) {
        String c = set.getStatus().getCurrentRevision();
        return c.isEmpty() ? update : c;
    }
}
