package io.kubelite.kinds.core.persistentvolume;

import io.kubelite.api.NodeSelector;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeSpec;
import io.kubelite.api.PersistentVolumeStatus;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;

/**
 * kube's PersistentVolume strategy and {@code ValidatePersistentVolume}: reclaim policy Retain
 * and volume mode Filesystem by default; status Pending on create and kept on updates of the
 * main resource (it has its own subresource); capacity with exactly a positive {@code storage},
 * at least one supported access mode, exactly one volume source (hostPath and local with a
 * path, local with a node affinity, csi with driver and volumeHandle); the source, the volume
 * mode and a set node affinity are immutable.
 */
final class PersistentVolumeStrategy implements Strategy<PersistentVolume> {
    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
    static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
    static final List<String> HOST_PATH_TYPES = List.of(
            "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice");

    @Override
    public PersistentVolume defaults(PersistentVolume pv) {
        PersistentVolumeSpec.Builder s = pv.getSpec().toBuilder();
        if (s.getPersistentVolumeReclaimPolicy().isEmpty()) {
            s.setPersistentVolumeReclaimPolicy("Retain");
        }
        if (!s.hasVolumeMode()) {
            s.setVolumeMode("Filesystem");
        }
        return pv.toBuilder().setSpec(s).build();
    }

    @Override
    public PersistentVolume prepareForCreate(PersistentVolume pv) {
        return pv.toBuilder()
                .setStatus(PersistentVolumeStatus.newBuilder().setPhase("Pending"))
                .build();
    }

    @Override
    public PersistentVolume prepareForUpdate(PersistentVolume pv, PersistentVolume old) {
        PersistentVolume.Builder b = pv.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(PersistentVolume pv, FieldErrors errs) {
        PersistentVolumeSpec s = pv.getSpec();
        AccessModes.validate(s.getAccessModesList(), "spec.accessModes", "", errs);
        if (s.getCapacityCount() == 0) {
            errs.required("spec.capacity");
        } else if (!s.containsCapacity(StorageQuantity.STORAGE) || s.getCapacityCount() > 1) {
            errs.notSupported(
                    "spec.capacity", s.getCapacityMap().keySet().toString(), List.of(StorageQuantity.STORAGE));
        } else {
            StorageQuantity.validatePositive(
                    s.getCapacityOrThrow(StorageQuantity.STORAGE), "spec.capacity[storage]", errs);
        }
        if (!RECLAIM_POLICIES.contains(s.getPersistentVolumeReclaimPolicy())) {
            errs.notSupported(
                    "spec.persistentVolumeReclaimPolicy", s.getPersistentVolumeReclaimPolicy(), RECLAIM_POLICIES);
        }
        if (!s.getStorageClassName().isEmpty()) {
            errs.invalidIf(
                    "spec.storageClassName",
                    s.getStorageClassName(),
                    Names.dns1123SubdomainError(s.getStorageClassName()));
        }
        if (s.hasVolumeMode() && !VOLUME_MODES.contains(s.getVolumeMode())) {
            errs.notSupported("spec.volumeMode", s.getVolumeMode(), VOLUME_MODES);
        }
        sources(s, errs);
        if (s.hasNodeAffinity()) {
            nodeAffinity(s, errs);
        }
    }

    private static void sources(PersistentVolumeSpec s, FieldErrors errs) {
        List<String> set = VolumeSources.set(s);
        if (set.isEmpty()) {
            errs.required("spec", "must specify a volume type");
            return;
        }
        if (set.size() > 1) {
            errs.forbidden("spec." + set.get(1), "may not specify more than 1 volume type");
        }
        if (s.hasHostPath()) {
            if (s.getHostPath().getPath().isEmpty()) {
                errs.required("spec.hostPath.path");
            }
            String type = s.getHostPath().getType();
            if (!HOST_PATH_TYPES.contains(type)) {
                errs.notSupported("spec.hostPath.type", type, HOST_PATH_TYPES);
            }
        }
        if (s.hasLocal()) {
            if (s.getLocal().getPath().isEmpty()) {
                errs.required("spec.local.path");
            }
            if (!s.hasNodeAffinity()) {
                errs.required("spec.nodeAffinity", "Local volume requires node affinity");
            }
        }
        if (s.hasCsi()) {
            if (s.getCsi().getDriver().isEmpty()) {
                errs.required("spec.csi.driver");
            }
            if (s.getCsi().getVolumeHandle().isEmpty()) {
                errs.required("spec.csi.volumeHandle");
            }
        }
    }

    /** kube's {@code validateVolumeNodeAffinity}: required terms, each with a valid key and operator. */
    private static void nodeAffinity(PersistentVolumeSpec s, FieldErrors errs) {
        if (!s.getNodeAffinity().hasRequired()) {
            errs.required("spec.nodeAffinity.required", "must specify required node constraints");
            return;
        }
        NodeSelector required = s.getNodeAffinity().getRequired();
        if (required.getNodeSelectorTermsCount() == 0) {
            errs.required("spec.nodeAffinity.required.nodeSelectorTerms", "must have at least one node selector term");
        }
    }

    @Override
    public void validateUpdate(PersistentVolume pv, PersistentVolume old, FieldErrors errs) {
        PersistentVolumeSpec s = pv.getSpec();
        PersistentVolumeSpec o = old.getSpec();
        if (!VolumeSources.sameSource(s, o)) {
            errs.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation");
        }
        if (!s.getVolumeMode().equals(o.getVolumeMode())) {
            errs.invalid("volumeMode", s.getVolumeMode(), "field is immutable");
        }
        if (o.hasNodeAffinity() && !s.getNodeAffinity().equals(o.getNodeAffinity())) {
            errs.invalid("nodeAffinity", s.getNodeAffinity(), "field is immutable");
        }
    }
}
