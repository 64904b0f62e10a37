package io.kubelite.controllers.statefulset;

import io.kubelite.api.OwnerReference;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.api.StatefulSet;
import io.kubelite.controllers.util.Pods;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The claim writes of a sync (kube's {@code createPersistentVolumeClaims} and
 * {@code UpdatePodClaimForRetentionPolicy}): a pod's missing claims are created before it, with
 * kube's events; a claim being deleted holds the pod back; claims are never deleted here, only
 * given the owner references the retention policy asks for, so that the garbage collector
 * removes them with the set or the condemned pod.
 */
final class StatefulClaimControl {
    private static final long TIMEOUT_SECONDS = 15;
    private final ObjectStore<PersistentVolumeClaim> store;
    private final Informer<PersistentVolumeClaim> claims;
    private final EventRecorder recorder;

    StatefulClaimControl(
            ObjectStore<PersistentVolumeClaim> store, Informer<PersistentVolumeClaim> claims, EventRecorder recorder) {
        this.store = store;
        this.claims = claims;
        this.recorder = recorder;
    }

    /**
     * Creates the claims of the pod of {@code ordinal} that do not exist (with the set's owner
     * reference when whenDeleted is Delete).
     *
     * @throws IllegalStateException when a claim is being deleted: the pod must wait for it to go
     */
    void createMissing(StatefulSet set, String podName, int ordinal) throws Exception {
        for (PersistentVolumeClaim c : StatefulClaims.of(set, ordinal)) {
            String name = c.getMetadata().getName();
            PersistentVolumeClaim cur =
                    claims.get(c.getMetadata().getNamespace(), name).orElse(null);
            if (cur != null) {
                if (cur.getMetadata().hasDeletionTimestamp()) {
                    throw new IllegalStateException("pvc " + name + " is being deleted");
                }
                continue;
            }
            PersistentVolumeClaim owned = c.toBuilder()
                    .setMetadata(c.getMetadata().toBuilder()
                            .clearOwnerReferences()
                            .addAllOwnerReferences(StatefulClaims.owners(c, set, null, false)))
                    .build();
            try {
                store.create(owned).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                recorder.normal(
                        StatefulPodControl.ref(set),
                        "SuccessfulCreate",
                        "create Claim " + name + " Pod " + podName + " in StatefulSet "
                                + set.getMetadata().getName() + " success");
            } catch (Exception e) {
                if (StoreException.unwrap(e) instanceof AlreadyExistsException) {
                    continue; // the cache was behind
                }
                recorder.warning(
                        StatefulPodControl.ref(set),
                        "FailedCreate",
                        "create Claim " + name + " for Pod " + podName + " in StatefulSet "
                                + set.getMetadata().getName() + " failed error: "
                                + Pods.wrap(e).getMessage());
                throw Pods.wrap(e);
            }
        }
    }

    /** Puts the owner references of the claims of {@code pod} (of {@code ordinal}) as the retention policy wants. */
    void applyRetention(StatefulSet set, Pod pod, int ordinal, boolean condemned) throws Exception {
        for (PersistentVolumeClaim want : StatefulClaims.of(set, ordinal)) {
            PersistentVolumeClaim cur = claims.get(
                            want.getMetadata().getNamespace(),
                            want.getMetadata().getName())
                    .orElse(null);
            if (cur == null || cur.getMetadata().hasDeletionTimestamp()) {
                continue;
            }
            List<OwnerReference> owners = StatefulClaims.owners(cur, set, pod, condemned);
            if (owners.equals(cur.getMetadata().getOwnerReferencesList())) {
                continue;
            }
            try {
                store.guaranteedUpdate(
                                cur.getMetadata().getNamespace(),
                                cur.getMetadata().getName(),
                                c -> {
                                    PersistentVolumeClaim.Builder b = c.toBuilder();
                                    b.getMetadataBuilder()
                                            .clearOwnerReferences()
                                            .addAllOwnerReferences(StatefulClaims.owners(c, set, pod, condemned));
                                    return b.build();
                                })
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    throw Pods.wrap(e);
                }
            }
        }
    }
}
