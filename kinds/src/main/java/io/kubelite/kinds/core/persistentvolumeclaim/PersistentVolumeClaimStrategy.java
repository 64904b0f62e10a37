package io.kubelite.kinds.core.persistentvolumeclaim;

import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeClaimSpec;
import io.kubelite.api.PersistentVolumeClaimStatus;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.persistentvolume.AccessModes;
import io.kubelite.kinds.core.persistentvolume.StorageQuantity;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;

/**
 * kube's PersistentVolumeClaim strategy and {@code ValidatePersistentVolumeClaim(Update)}:
 * volume mode Filesystem by default; status Pending on create and kept on updates of the main
 * resource; at least one supported access mode and a positive {@code resources.requests.storage};
 * the spec is immutable except that the volumeName may be set once, a storageClassName may be
 * set where none was (the retroactive default class), and a bound claim's storage request may
 * grow (and its volumeAttributesClassName change).
 */
final class PersistentVolumeClaimStrategy implements Strategy<PersistentVolumeClaim> {
    static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");

    @Override
    public PersistentVolumeClaim defaults(PersistentVolumeClaim pvc) {
        if (pvc.getSpec().hasVolumeMode()) {
            return pvc;
        }
        return pvc.toBuilder()
                .setSpec(pvc.getSpec().toBuilder().setVolumeMode("Filesystem"))
                .build();
    }

    @Override
    public PersistentVolumeClaim prepareForCreate(PersistentVolumeClaim pvc) {
        return pvc.toBuilder()
                .setStatus(PersistentVolumeClaimStatus.newBuilder().setPhase("Pending"))
                .build();
    }

    @Override
    public PersistentVolumeClaim prepareForUpdate(PersistentVolumeClaim pvc, PersistentVolumeClaim old) {
        PersistentVolumeClaim.Builder b = pvc.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(PersistentVolumeClaim pvc, FieldErrors errs) {
        validateSpec(pvc.getSpec(), "spec", errs);
    }

    /** kube's {@code ValidatePersistentVolumeClaimSpec}, also for StatefulSet claim templates. */
    static void validateSpec(PersistentVolumeClaimSpec s, String path, FieldErrors errs) {
        AccessModes.validate(s.getAccessModesList(), path + ".accessModes", "at least 1 access mode is required", errs);
        String storage = s.getResources().getRequestsMap().get(StorageQuantity.STORAGE);
        if (storage == null) {
            errs.required(path + ".resources[storage]");
        } else {
            StorageQuantity.validatePositive(storage, path + ".resources[storage]", errs);
        }
        if (s.hasStorageClassName() && !s.getStorageClassName().isEmpty()) {
            errs.invalidIf(
                    path + ".storageClassName",
                    s.getStorageClassName(),
                    Names.dns1123SubdomainError(s.getStorageClassName()));
        }
        if (s.hasVolumeMode() && !VOLUME_MODES.contains(s.getVolumeMode())) {
            errs.notSupported(path + ".volumeMode", s.getVolumeMode(), VOLUME_MODES);
        }
    }

    @Override
    public void validateUpdate(PersistentVolumeClaim pvc, PersistentVolumeClaim old, FieldErrors errs) {
        PersistentVolumeClaimSpec.Builder mine = pvc.getSpec().toBuilder();
        PersistentVolumeClaimSpec.Builder was = old.getSpec().toBuilder();
        if (was.getVolumeName().isEmpty()) {
            was.setVolumeName(mine.getVolumeName()); // volumeName may be set once
        }
        if (!was.hasStorageClassName() && mine.hasStorageClassName()) {
            mine.clearStorageClassName(); // kube 1.28+: a class may be assigned retroactively
        }
        boolean bound = "Bound".equals(pvc.getStatus().getPhase());
        String oldStorage = old.getSpec().getResources().getRequestsMap().get(StorageQuantity.STORAGE);
        String newStorage = pvc.getSpec().getResources().getRequestsMap().get(StorageQuantity.STORAGE);
        if (bound) {
            if (oldStorage != null && newStorage != null) {
                mine.getResourcesBuilder().putRequests(StorageQuantity.STORAGE, oldStorage);
            }
            mine.clearVolumeAttributesClassName();
            was.clearVolumeAttributesClassName();
        }
        if (!mine.build().equals(was.build())) {
            errs.forbidden(
                    "spec",
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for"
                            + " bound claims");
        }
        if (bound
                && oldStorage != null
                && newStorage != null
                && StorageQuantity.of(pvc.getSpec().getResources().getRequestsMap())
                                .compareTo(StorageQuantity.of(
                                        old.getSpec().getResources().getRequestsMap()))
                        < 0) {
            errs.forbidden("spec.resources.requests.storage", "field can not be less than previous value");
        }
    }
}
