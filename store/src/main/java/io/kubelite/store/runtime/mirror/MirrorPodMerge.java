package io.kubelite.store.runtime.mirror;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The mirror pod to store, from what a {@link MirrorPodSource} wants and what is stored:
 * a pure function, so that writing the same state twice gives the same bytes (and the
 * publisher writes only on change).
 *
 * <ul>
 *   <li>{@code uid} and {@code creationTimestamp} are the stored pod's, else new;</li>
 *   <li>a condition keeps its stored {@code lastTransitionTime} while its status is the
 *       same, else gets {@code now} (kube's rule);</li>
 *   <li>{@code status.startTime} and a running container's {@code startedAt}, when the
 *       source leaves them unset, are the pod's {@code creationTimestamp};</li>
 *   <li>the annotations {@value MirrorPods#CONFIG_MIRROR} (a hash of the spec, as the
 *       kubelet writes it) and {@value MirrorPods#CONFIG_SOURCE} are set.</li>
 * </ul>
 */
public final class MirrorPodMerge {
    private MirrorPodMerge() {}

    /**
     * @param stored the pod stored now, or null
     * @param desired what the source wants
     */
    public static Pod merge(Pod stored, Pod desired, Instant now) {
        Pod.Builder b = desired.toBuilder();
        b.clearApiVersion().clearKind();
        b.getMetadataBuilder()
                .clearResourceVersion()
                .setNamespace(MirrorPods.NAMESPACE)
                .putAnnotations(MirrorPods.CONFIG_MIRROR, specHash(desired))
                .putAnnotations(MirrorPods.CONFIG_SOURCE, MirrorPods.SOURCE);
        boolean keep = stored != null && !stored.getMetadata().getUid().isEmpty();
        b.getMetadataBuilder()
                .setUid(keep ? stored.getMetadata().getUid() : UUID.randomUUID().toString())
                .setCreationTimestamp(keep ? stored.getMetadata().getCreationTimestamp() : ts(now));
        Timestamp created = b.getMetadata().getCreationTimestamp();
        PodStatus.Builder st = b.getStatusBuilder();
        if (!st.hasStartTime()) {
            st.setStartTime(created);
        }
        for (ContainerStatus.Builder cs : st.getContainerStatusesBuilderList()) {
            ContainerState.Builder state = cs.getStateBuilder();
            if (state.hasRunning() && !state.getRunning().hasStartedAt()) {
                state.setRunning(ContainerStateRunning.newBuilder().setStartedAt(st.getStartTime()));
            }
        }
        for (PodCondition.Builder c : st.getConditionsBuilderList()) {
            PodCondition before = stored == null ? null : condition(stored, c.getType());
            c.setLastTransitionTime(
                    before != null && before.getStatus().equals(c.getStatus()) && before.hasLastTransitionTime()
                            ? before.getLastTransitionTime()
                            : ts(now));
        }
        return b.build();
    }

    private static PodCondition condition(Pod p, String type) {
        for (PodCondition c : p.getStatus().getConditionsList()) {
            if (c.getType().equals(type)) {
                return c;
            }
        }
        return null;
    }

    /** A stable hash of the pod's spec and identity, like the kubelet's config hash. */
    static String specHash(Pod p) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(p.getMetadata().getName().getBytes(StandardCharsets.UTF_8));
            md.update(p.getSpec().toByteArray());
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Timestamp ts(Instant t) {
        // whole seconds, as Kubernetes' metav1.Time serialises them
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
    }
}
