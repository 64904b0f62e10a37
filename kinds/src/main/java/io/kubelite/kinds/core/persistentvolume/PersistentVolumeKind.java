package io.kubelite.kinds.core.persistentvolume;

import io.kubelite.api.PersistentVolume;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/**
 * PersistentVolumes ({@code v1}, cluster-scoped, {@code pv}) with their status subresource:
 * storage that claims bind to, created by hand or by the simulated provisioner. kubectl's
 * columns: NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS
 * VOLUMEATTRIBUTESCLASS REASON AGE, and VOLUMEMODE with {@code -o wide}.
 */
public final class PersistentVolumeKind {
    public static final Resource<PersistentVolume> RESOURCE = new Resource<>(
            "",
            "v1",
            "PersistentVolume",
            "persistentvolumes",
            false,
            PersistentVolume.getDefaultInstance(),
            List.of("pv"));

    public static final Kind<PersistentVolume> KIND = Kind.of(RESOURCE)
            .strategy(new PersistentVolumeStrategy())
            .columns(List.of(
                    Cells.name(PersistentVolume::getMetadata),
                    Column.of(
                            "Capacity",
                            "string",
                            "capacity is the description of the persistent volume's resources and capacity.",
                            (pv, now) -> pv.getSpec().getCapacityOrDefault(StorageQuantity.STORAGE, "0")),
                    Column.of(
                            "Access Modes",
                            "string",
                            "accessModes contains all ways the volume can be mounted.",
                            (pv, now) -> AccessModes.toShortString(pv.getSpec().getAccessModesList())),
                    Column.of(
                            "Reclaim Policy",
                            "string",
                            "persistentVolumeReclaimPolicy defines what happens to a persistent volume when"
                                    + " released from its claim.",
                            (pv, now) -> pv.getSpec().getPersistentVolumeReclaimPolicy()),
                    Column.of(
                            "Status",
                            "string",
                            "phase indicates if a volume is available, bound to a claim, or released by a claim.",
                            (pv, now) -> pv.getMetadata().hasDeletionTimestamp()
                                    ? "Terminating"
                                    : pv.getStatus().getPhase()),
                    Column.of(
                            "Claim",
                            "string",
                            "claimRef is part of a bi-directional binding between PersistentVolume and"
                                    + " PersistentVolumeClaim.",
                            (pv, now) -> pv.getSpec().hasClaimRef()
                                    ? pv.getSpec().getClaimRef().getNamespace() + "/"
                                            + pv.getSpec().getClaimRef().getName()
                                    : ""),
                    Column.of(
                            "StorageClass",
                            "string",
                            "storageClassName is the name of StorageClass to which this persistent volume belongs.",
                            (pv, now) -> pv.getSpec().getStorageClassName()),
                    Column.of(
                            "VolumeAttributesClass",
                            "string",
                            "Name of VolumeAttributesClass to which this persistent volume belongs.",
                            (pv, now) -> unsetIfEmpty(pv.getSpec().getVolumeAttributesClassName())),
                    Column.of(
                            "Reason",
                            "string",
                            "reason is a brief CamelCase string that describes any failure.",
                            (pv, now) -> pv.getStatus().getReason()),
                    Cells.age(PersistentVolume::getMetadata),
                    Column.wide(
                            "VolumeMode",
                            "string",
                            "volumeMode defines if a volume is intended to be used with a formatted filesystem"
                                    + " or to remain in raw block state.",
                            (pv, now) -> unsetIfEmpty(pv.getSpec().getVolumeMode()))))
            .subresources(Subresource.status())
            .build();

    private PersistentVolumeKind() {}

    /** kubectl prints {@code <unset>} for an optional class or mode that is not set. */
    public static String unsetIfEmpty(String s) {
        return s.isEmpty() ? "<unset>" : s;
    }
}
