package io.kubelite.kinds.core.persistentvolumeclaim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeClaimSpec;
import io.kubelite.api.PersistentVolumeSpec;
import io.kubelite.api.PersistentVolumeStatus;
import io.kubelite.api.VolumeResourceRequirements;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolume.VolumeBinding;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Claims' update rules, kubectl's columns and the volume matching rules, as pure functions. */
class PersistentVolumeClaimKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static PersistentVolumeClaim claim(String size, String volumeName, String phase) {
        PersistentVolumeClaim.Builder b = PersistentVolumeClaim.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("data")
                        .setNamespace("default")
                        .setUid("u1")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 30)))
                .setSpec(PersistentVolumeClaimSpec.newBuilder()
                        .addAccessModes("ReadWriteOnce")
                        .setResources(VolumeResourceRequirements.newBuilder().putRequests("storage", size))
                        .setStorageClassName("standard")
                        .setVolumeName(volumeName)
                        .setVolumeMode("Filesystem"));
        b.getStatusBuilder().setPhase(phase);
        return b.build();
    }

    private static List<String> updateErrors(PersistentVolumeClaim next, PersistentVolumeClaim old) {
        return PersistentVolumeClaimKind.KIND.validateUpdate(next, old).stream()
                .map(e -> e.field() + ": " + e.message())
                .toList();
    }

    @Test
    void volumeNameIsSetOnceAndOnlyABoundClaimsRequestMayGrow() {
        PersistentVolumeClaim pending = claim("1Gi", "", "Pending");
        assertThat(updateErrors(claim("1Gi", "pv-1", "Pending"), pending)).isEmpty();
        assertThat(updateErrors(claim("2Gi", "", "Pending"), pending))
                .containsExactly("spec: Forbidden: spec is immutable after creation except resources.requests and"
                        + " volumeAttributesClassName for bound claims");
        PersistentVolumeClaim bound = claim("1Gi", "pv-1", "Bound");
        assertThat(updateErrors(claim("2Gi", "pv-1", "Bound"), bound)).isEmpty();
        assertThat(updateErrors(claim("500Mi", "pv-1", "Bound"), bound))
                .containsExactly(
                        "spec.resources.requests.storage: Forbidden: field can not be less than previous value");
        assertThat(updateErrors(claim("1Gi", "pv-2", "Bound"), bound)).hasSize(1);
    }

    @Test
    void aClassMayBeAssignedWhereThereWasNone() {
        PersistentVolumeClaim none = claim("1Gi", "", "Pending").toBuilder()
                .setSpec(claim("1Gi", "", "Pending").getSpec().toBuilder().clearStorageClassName())
                .build();
        assertThat(updateErrors(claim("1Gi", "", "Pending"), none)).isEmpty();
        assertThat(updateErrors(none, claim("1Gi", "", "Pending"))).hasSize(1);
    }

    @Test
    void columnsShowTheBoundVolumesCapacityAndModesOnly() {
        PersistentVolumeClaim pending = claim("1Gi", "", "Pending");
        assertThat(PersistentVolumeClaimKind.KIND.row(pending, NOW, false))
                .containsExactly("data", "Pending", "", "", "", "standard", "<unset>", "30s");
        PersistentVolumeClaim bound = claim("1Gi", "pv-1", "Bound").toBuilder()
                .setStatus(claim("1Gi", "pv-1", "Bound").getStatus().toBuilder()
                        .putCapacity("storage", "5Gi")
                        .addAccessModes("ReadWriteOnce")
                        .addAccessModes("ReadWriteMany"))
                .build();
        assertThat(PersistentVolumeClaimKind.KIND.row(bound, NOW, true))
                .containsExactly("data", "Bound", "pv-1", "5Gi", "RWO,RWX", "standard", "<unset>", "30s", "Filesystem");
    }

    @Test
    void theSmallestAvailableVolumeOfTheClassThatCoversTheClaimMatches() {
        PersistentVolumeClaim c = claim("1Gi", "", "Pending");
        PersistentVolume small = volume("small", "500Mi", "standard", "Available");
        PersistentVolume fits = volume("fits", "2Gi", "standard", "Available");
        PersistentVolume bigger = volume("bigger", "10Gi", "standard", "Available");
        PersistentVolume otherClass = volume("other", "1Gi", "fast", "Available");
        PersistentVolume released = volume("released", "1Gi", "standard", "Released");
        assertThat(VolumeBinding.findMatch(c, List.of(bigger, small, otherClass, released, fits), pv -> true))
                .map(pv -> pv.getMetadata().getName())
                .contains("fits");
        PersistentVolume preBound = volume("mine", "100Mi", "", "Available").toBuilder()
                .setSpec(volume("mine", "100Mi", "", "Available").getSpec().toBuilder()
                        .setClaimRef(io.kubelite.api.ObjectReference.newBuilder()
                                .setNamespace("default")
                                .setName("data")))
                .build();
        assertThat(VolumeBinding.findMatch(c, List.of(fits, preBound), pv -> false))
                .map(pv -> pv.getMetadata().getName())
                .as("a volume pre-bound to the claim wins, whatever it offers")
                .contains("mine");
        assertThat(PersistentVolumeKind.KIND.row(fits, NOW, false))
                .containsExactly(
                        "fits", "2Gi", "RWO", "Retain", "Available", "", "standard", "<unset>", "", "<unknown>");
    }

    private static PersistentVolume volume(String name, String size, String storageClass, String phase) {
        return PersistentVolume.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .setSpec(PersistentVolumeSpec.newBuilder()
                        .putCapacity("storage", size)
                        .addAccessModes("ReadWriteOnce")
                        .setPersistentVolumeReclaimPolicy("Retain")
                        .setStorageClassName(storageClass))
                .setStatus(PersistentVolumeStatus.newBuilder().setPhase(phase))
                .build();
    }
}
