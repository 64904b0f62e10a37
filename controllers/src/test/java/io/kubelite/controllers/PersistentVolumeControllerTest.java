package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.HostPathVolumeSource;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeClaimSpec;
import io.kubelite.api.PersistentVolumeSpec;
import io.kubelite.api.StorageClass;
import io.kubelite.api.VolumeResourceRequirements;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolume.VolumeBinding;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PV controller alone ({@code --controllers=persistentvolume-binder}) on real etcd: claims
 * and volumes are written straight to etcd and their phases, bindings and provisioned volumes
 * read back.
 */
@Timeout(120)
class PersistentVolumeControllerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(15);

    static PersistentVolumeClaim claim(String name, String size, String storageClass) {
        PersistentVolumeClaimSpec.Builder spec = PersistentVolumeClaimSpec.newBuilder()
                .addAccessModes("ReadWriteOnce")
                .setResources(VolumeResourceRequirements.newBuilder().putRequests("storage", size));
        if (storageClass != null) {
            spec.setStorageClassName(storageClass);
        }
        return PersistentVolumeClaim.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(spec)
                .build();
    }

    static PersistentVolume volume(String name, String size, String reclaim) {
        return PersistentVolume.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .setSpec(PersistentVolumeSpec.newBuilder()
                        .putCapacity("storage", size)
                        .addAccessModes("ReadWriteOnce")
                        .addAccessModes("ReadWriteMany")
                        .setPersistentVolumeReclaimPolicy(reclaim)
                        .setStorageClassName("manual")
                        .setHostPath(HostPathVolumeSource.newBuilder().setPath("/data/" + name)))
                .build();
    }

    static StorageClass hostPathClass(String name, String mode, boolean isDefault) {
        StorageClass.Builder b = StorageClass.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .setProvisioner("kubelite.io/hostpath")
                .setReclaimPolicy("Delete")
                .setVolumeBindingMode(mode);
        if (isDefault) {
            b.getMetadataBuilder().putAnnotations(StorageClassKind.IS_DEFAULT_CLASS, "true");
        }
        return b.build();
    }

    private static String phase(PersistentVolumeClaim c) {
        return c == null
                ? "<absent>"
                : c.getStatus().getPhase() + " volume=" + c.getSpec().getVolumeName();
    }

    @Test
    void immediateClaimBindsTheSmallestMatchingVolumeAndRetainReleasesIt() throws Exception {
        try (ControllerManagerUnderTest h =
                new ControllerManagerUnderTest(ETCD, "--controllers=persistentvolume-binder")) {
            h.join(h.of(PersistentVolumeKind.RESOURCE).create(volume("small", "1Gi", "Retain")));
            h.join(h.of(PersistentVolumeKind.RESOURCE).create(volume("big", "10Gi", "Retain")));
            h.join(h.of(PersistentVolumeKind.RESOURCE).create(volume("tiny", "100Mi", "Retain")));
            Poll.until(
                    WAIT,
                    "three Available volumes",
                    () -> h
                            .join(h.of(PersistentVolumeKind.RESOURCE).list(io.kubelite.store.ListOptions.all()))
                            .items()
                            .stream()
                            .map(pv -> pv.getStatus().getPhase())
                            .toList(),
                    l -> l.size() == 3 && l.stream().allMatch("Available"::equals));
            PersistentVolumeClaim c =
                    h.join(h.of(PersistentVolumeClaimKind.RESOURCE).create(claim("data", "500Mi", "manual")));
            PersistentVolumeClaim bound = Poll.until(
                    WAIT,
                    "claim data Bound to small",
                    () -> h.getOrNull(PersistentVolumeClaimKind.RESOURCE, "default", "data"),
                    x -> phase(x).equals("Bound volume=small"));
            assertThat(bound.getStatus().getCapacityMap()).containsEntry("storage", "1Gi");
            assertThat(bound.getStatus().getAccessModesList()).containsExactly("ReadWriteOnce", "ReadWriteMany");
            assertThat(bound.getMetadata().getAnnotationsMap())
                    .containsEntry(VolumeBinding.BIND_COMPLETED, "yes")
                    .containsEntry(VolumeBinding.BOUND_BY_CONTROLLER, "yes");
            PersistentVolume pv = Poll.until(
                    WAIT,
                    "volume small Bound",
                    () -> h.getOrNull(PersistentVolumeKind.RESOURCE, null, "small"),
                    v -> v.getStatus().getPhase().equals("Bound"));
            assertThat(pv.getSpec().getClaimRef().getUid())
                    .isEqualTo(c.getMetadata().getUid());
            assertThat(pv.getStatus().hasLastPhaseTransitionTime()).isTrue();
            assertThat(pv.getMetadata().getAnnotationsMap()).containsEntry(VolumeBinding.BOUND_BY_CONTROLLER, "yes");

            h.join(h.of(PersistentVolumeClaimKind.RESOURCE).delete("default", "data"));
            Poll.until(
                    WAIT,
                    "volume small Released (Retain keeps it)",
                    () -> h.getOrNull(PersistentVolumeKind.RESOURCE, null, "small"),
                    v -> v != null && v.getStatus().getPhase().equals("Released"));
        }
    }

    @Test
    void waitForFirstConsumerClaimIsProvisionedOnTheSelectedNodeAndDeletedWithIt() throws Exception {
        try (ControllerManagerUnderTest h =
                new ControllerManagerUnderTest(ETCD, "--controllers=persistentvolume-binder")) {
            h.join(h.of(StorageClassKind.RESOURCE).create(hostPathClass("wffc", "WaitForFirstConsumer", false)));
            PersistentVolumeClaim c =
                    h.join(h.of(PersistentVolumeClaimKind.RESOURCE).create(claim("wait", "2Gi", "wffc")));
            String pvName = "pvc-" + c.getMetadata().getUid();
            // no consumer yet: nothing is provisioned
            Poll.until(
                    WAIT,
                    "a WaitForFirstConsumer event for claim wait",
                    () -> h
                            .join(h.of(io.kubelite.kinds.core.event.EventKind.RESOURCE)
                                    .list(io.kubelite.store.ListOptions.all()))
                            .items()
                            .stream()
                            .filter(e -> e.getInvolvedObject().getName().equals("wait"))
                            .map(e -> e.getReason() + ": " + e.getMessage())
                            .toList(),
                    l -> l.contains("WaitForFirstConsumer: waiting for first consumer to be created before binding"));
            assertThat(h.getOrNull(PersistentVolumeKind.RESOURCE, null, pvName)).isNull();

            h.join(h.of(PersistentVolumeClaimKind.RESOURCE).guaranteedUpdate("default", "wait", cur -> {
                PersistentVolumeClaim.Builder b = cur.toBuilder();
                b.getMetadataBuilder().putAnnotations(VolumeBinding.SELECTED_NODE, "n1");
                return b.build();
            }));
            Poll.until(
                    WAIT,
                    "claim wait Bound to " + pvName,
                    () -> h.getOrNull(PersistentVolumeClaimKind.RESOURCE, "default", "wait"),
                    x -> phase(x).equals("Bound volume=" + pvName));
            PersistentVolume pv = h.getOrNull(PersistentVolumeKind.RESOURCE, null, pvName);
            assertThat(pv.getSpec().getHostPath().getPath()).isEqualTo("/var/lib/kubelite/storage/" + pvName);
            assertThat(pv.getSpec()
                            .getNodeAffinity()
                            .getRequired()
                            .getNodeSelectorTerms(0)
                            .getMatchExpressions(0)
                            .getValuesList())
                    .containsExactly("n1");
            assertThat(pv.getSpec().getCapacityMap()).containsEntry("storage", "2Gi");
            assertThat(pv.getMetadata().getAnnotationsMap())
                    .containsEntry(VolumeBinding.PROVISIONED_BY, "kubelite.io/hostpath");

            h.join(h.of(PersistentVolumeClaimKind.RESOURCE).delete("default", "wait"));
            Poll.until(
                    WAIT,
                    "volume " + pvName + " deleted (reclaim policy Delete)",
                    () -> h.getOrNull(PersistentVolumeKind.RESOURCE, null, pvName),
                    v -> v == null);
        }
    }

    @Test
    void claimWithoutClassGetsTheDefaultClassRetroactivelyAndAnImmediateVolume() throws Exception {
        try (ControllerManagerUnderTest h =
                new ControllerManagerUnderTest(ETCD, "--controllers=persistentvolume-binder")) {
            h.join(h.of(PersistentVolumeClaimKind.RESOURCE).create(claim("later", "1Gi", null)));
            h.join(h.of(StorageClassKind.RESOURCE).create(hostPathClass("fast", "Immediate", true)));
            PersistentVolumeClaim c = Poll.until(
                    WAIT,
                    "claim later Bound with class fast",
                    () -> h.getOrNull(PersistentVolumeClaimKind.RESOURCE, "default", "later"),
                    x -> x.getSpec().getStorageClassName().equals("fast")
                            && x.getStatus().getPhase().equals("Bound"));
            PersistentVolume pv =
                    h.getOrNull(PersistentVolumeKind.RESOURCE, null, c.getSpec().getVolumeName());
            assertThat(pv.getSpec().hasNodeAffinity())
                    .as("an Immediate volume has no node")
                    .isFalse();
            h.join(h.of(StorageClassKind.RESOURCE).delete(null, "fast"));
        }
    }
}
