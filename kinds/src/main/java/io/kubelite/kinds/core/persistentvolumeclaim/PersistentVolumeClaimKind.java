package io.kubelite.kinds.core.persistentvolumeclaim;

import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeClaimSpec;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.core.persistentvolume.AccessModes;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolume.StorageQuantity;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/**
 * PersistentVolumeClaims ({@code v1}, namespaced, {@code pvc}) with their status subresource: a
 * pod's request for storage, bound to a PersistentVolume by the PV controller. kubectl's
 * columns: NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE, and
 * VOLUMEMODE with {@code -o wide}; capacity and access modes are the bound volume's (blank until
 * then).
 */
public final class PersistentVolumeClaimKind {
    public static final Resource<PersistentVolumeClaim> RESOURCE = new Resource<>(
            "",
            "v1",
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            true,
            PersistentVolumeClaim.getDefaultInstance(),
            List.of("pvc"));

    public static final Kind<PersistentVolumeClaim> KIND = Kind.of(RESOURCE)
            .strategy(new PersistentVolumeClaimStrategy())
            .columns(List.of(
                    Cells.name(PersistentVolumeClaim::getMetadata),
                    Column.of(
                            "Status",
                            "string",
                            "phase represents the current phase of PersistentVolumeClaim.",
                            (c, now) -> c.getMetadata().hasDeletionTimestamp()
                                    ? "Terminating"
                                    : c.getStatus().getPhase()),
                    Column.of(
                            "Volume",
                            "string",
                            "volumeName is the binding reference to the PersistentVolume backing this claim.",
                            (c, now) -> c.getSpec().getVolumeName()),
                    Column.of(
                            "Capacity",
                            "string",
                            "capacity represents the actual resources of the underlying volume.",
                            (c, now) -> c.getSpec().getVolumeName().isEmpty()
                                    ? ""
                                    : c.getStatus().getCapacityOrDefault(StorageQuantity.STORAGE, "0")),
                    Column.of(
                            "Access Modes",
                            "string",
                            "accessModes contains the actual access modes the volume backing the PVC has.",
                            (c, now) -> c.getSpec().getVolumeName().isEmpty()
                                    ? ""
                                    : AccessModes.toShortString(c.getStatus().getAccessModesList())),
                    Column.of(
                            "StorageClass",
                            "string",
                            "storageClassName is the name of the StorageClass required by the claim.",
                            (c, now) -> c.getSpec().getStorageClassName()),
                    Column.of(
                            "VolumeAttributesClass",
                            "string",
                            "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this"
                                    + " claim.",
                            (c, now) -> PersistentVolumeKind.unsetIfEmpty(
                                    c.getSpec().getVolumeAttributesClassName())),
                    Cells.age(PersistentVolumeClaim::getMetadata),
                    Column.wide(
                            "VolumeMode",
                            "string",
                            "volumeMode defines what type of volume is required by the claim.",
                            (c, now) -> PersistentVolumeKind.unsetIfEmpty(
                                    c.getSpec().getVolumeMode()))))
            .subresources(Subresource.status())
            .build();

    private PersistentVolumeClaimKind() {}

    /** kube's {@code ValidatePersistentVolumeClaimSpec} at {@code path}: a StatefulSet's claim templates use it. */
    public static void validateSpec(PersistentVolumeClaimSpec spec, String path, FieldErrors errs) {
        PersistentVolumeClaimStrategy.validateSpec(spec, path, errs);
    }
}
