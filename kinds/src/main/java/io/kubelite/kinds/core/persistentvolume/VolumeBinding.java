package io.kubelite.kinds.core.persistentvolume;

import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.labels.Selector;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What binds a claim to a volume, as kube's PV controller and volume binding plugin agree on:
 * the annotations they write, and {@code FindMatchingVolume}: a volume pre-bound to the claim,
 * else the smallest available volume of the claim's class whose access modes cover the claim's,
 * whose capacity is at least the request, whose volume mode is the claim's and whose labels the
 * claim's selector matches.
 */
public final class VolumeBinding {
    /** On a claim: the node the scheduler chose for a WaitForFirstConsumer claim's first pod. */
    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** On a claim: the binding is complete. */
    public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    /** On a claim or a volume: the PV controller (not the user) bound it. */
    public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    /** On a volume: which provisioner created it. */
    public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    /** On a claim: which provisioner is to provision it. */
    public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";

    private VolumeBinding() {}

    /** The class a claim asks for ({@code ""}: none). */
    public static String claimClass(PersistentVolumeClaim c) {
        return c.getSpec().getStorageClassName();
    }

    /** Whether {@code pv}'s claimRef names {@code c} (its uid too, when the ref has one). */
    public static boolean claimRefers(PersistentVolume pv, PersistentVolumeClaim c) {
        if (!pv.getSpec().hasClaimRef()) {
            return false;
        }
        var ref = pv.getSpec().getClaimRef();
        return ref.getName().equals(c.getMetadata().getName())
                && ref.getNamespace().equals(c.getMetadata().getNamespace())
                && (ref.getUid().isEmpty()
                        || ref.getUid().equals(c.getMetadata().getUid()));
    }

    /**
     * The volume {@code c} should bind to among {@code volumes} that {@code reachable} allows
     * (the node a WaitForFirstConsumer claim's pod goes to; all for Immediate claims).
     */
    public static Optional<PersistentVolume> findMatch(
            PersistentVolumeClaim c, Collection<PersistentVolume> volumes, Predicate<PersistentVolume> reachable) {
        BigDecimal wanted = StorageQuantity.of(c.getSpec().getResources().getRequestsMap());
        Selector selector = c.getSpec().hasSelector() ? Selector.of(c.getSpec().getSelector()) : null;
        PersistentVolume best = null;
        for (PersistentVolume pv : volumes) {
            if (pv.getMetadata().hasDeletionTimestamp()) {
                continue;
            }
            if (claimRefers(pv, c)) {
                // pre-bound to this claim (by the user, or provisioned for it): kube binds it whatever
                // it offers and wherever it is
                return Optional.of(pv);
            }
            if (!reachable.test(pv)) {
                continue;
            }
            if (pv.getSpec().hasClaimRef() || !"Available".equals(pv.getStatus().getPhase())) {
                continue;
            }
            BigDecimal size = StorageQuantity.of(pv.getSpec().getCapacityMap());
            if (!pv.getSpec().getStorageClassName().equals(claimClass(c))
                    || !AccessModes.covers(
                            pv.getSpec().getAccessModesList(), c.getSpec().getAccessModesList())
                    || size.compareTo(wanted) < 0
                    || !volumeMode(pv).equals(volumeMode(c))
                    || (selector != null && !selector.matches(pv.getMetadata().getLabelsMap()))) {
                continue;
            }
            if (best == null || BY_SIZE_THEN_NAME.compare(pv, best) < 0) {
                best = pv;
            }
        }
        return Optional.ofNullable(best);
    }

    private static final Comparator<PersistentVolume> BY_SIZE_THEN_NAME = Comparator.comparing(
                    (PersistentVolume pv) -> StorageQuantity.of(pv.getSpec().getCapacityMap()))
            .thenComparing(pv -> pv.getMetadata().getName());

    private static String volumeMode(PersistentVolume pv) {
        return pv.getSpec().hasVolumeMode() ? pv.getSpec().getVolumeMode() : "Filesystem";
    }

    private static String volumeMode(PersistentVolumeClaim c) {
        return c.getSpec().hasVolumeMode() ? c.getSpec().getVolumeMode() : "Filesystem";
    }
}
