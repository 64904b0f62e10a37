package io.kubelite.kinds.storage.storageclass;

import io.kubelite.api.StorageClass;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;
import java.util.Locale;

/**
 * kube's StorageClass strategy and {@code ValidateStorageClass(Update)}: reclaimPolicy Delete
 * and volumeBindingMode Immediate by default; a provisioner that is a qualified name; known
 * policy and mode; provisioner, parameters, reclaimPolicy and volumeBindingMode immutable.
 */
final class StorageClassStrategy implements Strategy<StorageClass> {
    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Retain");
    static final List<String> BINDING_MODES =
            List.of(StorageClassKind.IMMEDIATE, StorageClassKind.WAIT_FOR_FIRST_CONSUMER);

    @Override
    public StorageClass defaults(StorageClass sc) {
        StorageClass.Builder b = sc.toBuilder();
        if (!b.hasReclaimPolicy()) {
            b.setReclaimPolicy("Delete");
        }
        if (!b.hasVolumeBindingMode()) {
            b.setVolumeBindingMode(StorageClassKind.IMMEDIATE);
        }
        return b.build();
    }

    @Override
    public void validate(StorageClass sc, FieldErrors errs) {
        if (sc.getProvisioner().isEmpty()) {
            errs.required("provisioner");
        } else {
            errs.invalidIf(
                    "provisioner",
                    sc.getProvisioner(),
                    Names.qualifiedNameError(sc.getProvisioner().toLowerCase(Locale.ROOT)));
        }
        for (String key : sc.getParametersMap().keySet()) {
            if (key.isEmpty()) {
                errs.invalid("parameters", sc.getParametersMap(), "field can not be empty.");
            }
        }
        if (!RECLAIM_POLICIES.contains(sc.getReclaimPolicy())) {
            errs.notSupported("reclaimPolicy", sc.getReclaimPolicy(), RECLAIM_POLICIES);
        }
        if (!BINDING_MODES.contains(sc.getVolumeBindingMode())) {
            errs.notSupported("volumeBindingMode", sc.getVolumeBindingMode(), BINDING_MODES);
        }
    }

    @Override
    public void validateUpdate(StorageClass sc, StorageClass old, FieldErrors errs) {
        if (!sc.getParametersMap().equals(old.getParametersMap())) {
            errs.forbidden("parameters", "updates to parameters are forbidden.");
        }
        if (!sc.getProvisioner().equals(old.getProvisioner())) {
            errs.forbidden("provisioner", "updates to provisioner are forbidden.");
        }
        if (!sc.getReclaimPolicy().equals(old.getReclaimPolicy())) {
            errs.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden.");
        }
        if (!sc.getVolumeBindingMode().equals(old.getVolumeBindingMode())) {
            errs.invalid("volumeBindingMode", sc.getVolumeBindingMode(), "field is immutable");
        }
    }
}
