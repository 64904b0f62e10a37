package io.kubelite.controllers.volume;

import io.kubelite.api.HostPathVolumeSource;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeSpec;
import io.kubelite.api.StorageClass;
import io.kubelite.api.VolumeNodeAffinity;
import io.kubelite.kinds.core.persistentvolume.StorageQuantity;
import io.kubelite.kinds.core.persistentvolume.VolumeBinding;

/**
 * kubelite's simulated provisioner {@value #NAME}: the volume of a claim is a directory
 * {@value #ROOT}/pvc-&lt;claim uid&gt; in a node's simulated filesystem, served as a hostPath
 * PersistentVolume {@code pvc-<claim uid>} pre-bound to the claim, of the class's reclaim
 * policy and the claim's size and access modes. With a selected node (WaitForFirstConsumer)
 * the volume has node affinity to it, so the claim's pods follow their data; without one
 * (Immediate) it has none and each node keeps its own directory.
 */
final class HostPathProvisioner {
    static final String NAME = "kubelite.io/hostpath";
    static final String ROOT = "/var/lib/kubelite/storage";

    private HostPathProvisioner() {}

    static boolean provisions(StorageClass sc) {
        return NAME.equals(sc.getProvisioner());
    }

    /** The name of the volume provisioned for {@code c}: kube's {@code pvc-<uid>}. */
    static String volumeName(PersistentVolumeClaim c) {
        return "pvc-" + c.getMetadata().getUid();
    }

    /** The volume for {@code c} of class {@code sc}, on {@code node} ("" for none). */
    static PersistentVolume volumeFor(PersistentVolumeClaim c, StorageClass sc, String node) {
        String name = volumeName(c);
        PersistentVolumeSpec.Builder spec = PersistentVolumeSpec.newBuilder()
                .putCapacity(
                        StorageQuantity.STORAGE, c.getSpec().getResources().getRequestsOrThrow(StorageQuantity.STORAGE))
                .addAllAccessModes(c.getSpec().getAccessModesList())
                .setHostPath(HostPathVolumeSource.newBuilder()
                        .setPath(ROOT + "/" + name)
                        .setType("DirectoryOrCreate"))
                .setClaimRef(ObjectReference.newBuilder()
                        .setKind("PersistentVolumeClaim")
                        .setApiVersion("v1")
                        .setNamespace(c.getMetadata().getNamespace())
                        .setName(c.getMetadata().getName())
                        .setUid(c.getMetadata().getUid())
                        .setResourceVersion(c.getMetadata().getResourceVersion()))
                .setPersistentVolumeReclaimPolicy(sc.hasReclaimPolicy() ? sc.getReclaimPolicy() : "Delete")
                .setStorageClassName(sc.getMetadata().getName())
                .addAllMountOptions(sc.getMountOptionsList())
                .setVolumeMode(c.getSpec().hasVolumeMode() ? c.getSpec().getVolumeMode() : "Filesystem");
        if (!node.isEmpty()) {
            spec.setNodeAffinity(VolumeNodeAffinity.newBuilder()
                    .setRequired(NodeSelector.newBuilder()
                            .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                                    .addMatchExpressions(NodeSelectorRequirement.newBuilder()
                                            .setKey("kubernetes.io/hostname")
                                            .setOperator("In")
                                            .addValues(node)))));
        }
        return PersistentVolume.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).putAnnotations(VolumeBinding.PROVISIONED_BY, NAME))
                .setSpec(spec)
                .build();
    }
}
