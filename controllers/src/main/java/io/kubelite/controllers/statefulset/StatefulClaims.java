package io.kubelite.controllers.statefulset;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeClaimVolumeSource;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.Volume;
import java.util.ArrayList;
import java.util.List;

/**
 * A StatefulSet pod's claims (kube's {@code stateful_set_utils.go}): one per
 * {@code volumeClaimTemplates} entry, named {@code <template>-<set>-<ordinal>}, labelled with
 * the template's labels and the set selector's matchLabels; the pod's volume of the template's
 * name refers to it ({@code updateStorage}); and which owners the retention policy gives it
 * ({@code updateClaimOwnerRefForSetAndPod}).
 */
final class StatefulClaims {
    static final String RETAIN = "Retain";
    static final String DELETE = "Delete";

    private StatefulClaims() {}

    /** kube's {@code getPersistentVolumeClaimName}. */
    static String name(String template, StatefulSet set, int ordinal) {
        return template + "-" + set.getMetadata().getName() + "-" + ordinal;
    }

    /** kube's {@code getPersistentVolumeClaims}: the claims the pod of {@code ordinal} uses, as they are created. */
    static List<PersistentVolumeClaim> of(StatefulSet set, int ordinal) {
        List<PersistentVolumeClaim> out = new ArrayList<>();
        for (PersistentVolumeClaim t : set.getSpec().getVolumeClaimTemplatesList()) {
            ObjectMeta.Builder m = ObjectMeta.newBuilder()
                    .setName(name(t.getMetadata().getName(), set, ordinal))
                    .setNamespace(set.getMetadata().getNamespace())
                    .putAllLabels(t.getMetadata().getLabelsMap())
                    .putAllLabels(set.getSpec().getSelector().getMatchLabelsMap())
                    .putAllAnnotations(t.getMetadata().getAnnotationsMap());
            out.add(PersistentVolumeClaim.newBuilder()
                    .setMetadata(m)
                    .setSpec(t.getSpec())
                    .setStatus(io.kubelite.api.PersistentVolumeClaimStatus.newBuilder()
                            .setPhase("Pending"))
                    .build());
        }
        return out;
    }

    /**
     * kube's {@code updateStorage}: {@code spec} with a persistentVolumeClaim volume per template
     * (replacing a template volume of the same name).
     */
    static PodSpec withClaimVolumes(StatefulSet set, int ordinal, PodSpec spec) {
        if (set.getSpec().getVolumeClaimTemplatesCount() == 0) {
            return spec;
        }
        List<String> templates = set.getSpec().getVolumeClaimTemplatesList().stream()
                .map(t -> t.getMetadata().getName())
                .toList();
        PodSpec.Builder b = spec.toBuilder().clearVolumes();
        for (String t : templates) {
            b.addVolumes(Volume.newBuilder()
                    .setName(t)
                    .setPersistentVolumeClaim(
                            PersistentVolumeClaimVolumeSource.newBuilder().setClaimName(name(t, set, ordinal))));
        }
        for (Volume v : spec.getVolumesList()) {
            if (!templates.contains(v.getName())) {
                b.addVolumes(v);
            }
        }
        return b.build();
    }

    /**
     * kube's {@code updateClaimOwnerRefForSetAndPod}: the claim's owner references as the retention
     * policy wants them: the set's (non-controller) reference when whenDeleted is Delete (and the
     * pod is not condemned under whenScaled Delete), the pod's when whenScaled is Delete and the
     * pod is condemned ({@code pod} null: not created yet).
     */
    static List<OwnerReference> owners(PersistentVolumeClaim claim, StatefulSet set, Pod pod, boolean condemned) {
        var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
        boolean deleteWithSet = DELETE.equals(policy.getWhenDeleted());
        boolean deleteOnScale = DELETE.equals(policy.getWhenScaled());
        boolean setRef = deleteWithSet && !(deleteOnScale && condemned);
        boolean podRef = deleteOnScale && condemned && pod != null;
        List<OwnerReference> out = new ArrayList<>();
        for (OwnerReference r : claim.getMetadata().getOwnerReferencesList()) {
            boolean isSet = r.getUid().equals(set.getMetadata().getUid());
            boolean isPod = pod != null && r.getUid().equals(pod.getMetadata().getUid());
            if (!isSet && !isPod) {
                out.add(r);
            }
        }
        if (setRef) {
            out.add(OwnerReference.newBuilder()
                    .setApiVersion("apps/v1")
                    .setKind("StatefulSet")
                    .setName(set.getMetadata().getName())
                    .setUid(set.getMetadata().getUid())
                    .build());
        }
        if (podRef) {
            out.add(OwnerReference.newBuilder()
                    .setApiVersion("v1")
                    .setKind("Pod")
                    .setName(pod.getMetadata().getName())
                    .setUid(pod.getMetadata().getUid())
                    .build());
        }
        return out;
    }
}
