package io.kubelite.controllers.statefulset;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodStatus;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.QosClass;
import io.kubelite.api.StatefulSet;
import io.kubelite.controllers.util.Pods;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A StatefulSet pod's identity and health (kube's {@code stateful_set_utils.go}): the name
 * {@code <set>-<ordinal>}, the {@code statefulset.kubernetes.io/pod-name} and
 * {@code apps.kubernetes.io/pod-index} labels, {@code hostname} = the pod's name and
 * {@code subdomain} = the set's serviceName, and the {@code controller-revision-hash} label that
 * says which revision of the template made it.
 */
final class StatefulPods {
    static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
    static final String REVISION_LABEL = "controller-revision-hash";
    private static final Pattern ORDINAL = Pattern.compile("(.*)-([0-9]+)$");

    private StatefulPods() {}

    static String name(StatefulSet set, int ordinal) {
        return set.getMetadata().getName() + "-" + ordinal;
    }

    /** kube's {@code getParentNameAndOrdinal}: the pod's ordinal, or -1 when its name is not {@code <set>-<n>}. */
    static int ordinal(StatefulSet set, Pod p) {
        Matcher m = ORDINAL.matcher(p.getMetadata().getName());
        if (!m.matches() || !m.group(1).equals(set.getMetadata().getName())) {
            return -1;
        }
        try {
            return Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String revision(Pod p) {
        return p.getMetadata().getLabelsOrDefault(REVISION_LABEL, "");
    }

    /**
     * kube's {@code identityMatches}, less hostname and subdomain (set at creation and immutable on a
     * live pod): name, namespace, pod-name and pod-index labels.
     */
    static boolean identityMatches(StatefulSet set, Pod p, int ordinal) {
        var m = p.getMetadata();
        return m.getName().equals(name(set, ordinal))
                && m.getNamespace().equals(set.getMetadata().getNamespace())
                && m.getLabelsOrDefault(POD_NAME_LABEL, "").equals(m.getName())
                && m.getLabelsOrDefault(POD_INDEX_LABEL, "").equals(Integer.toString(ordinal));
    }

    /** kube's {@code updateIdentity}, on the labels alone: hostname and subdomain are immutable on a live pod. */
    static Pod withIdentityLabels(Pod p, int ordinal) {
        Pod.Builder b = p.toBuilder();
        b.getMetadataBuilder()
                .putLabels(POD_NAME_LABEL, p.getMetadata().getName())
                .putLabels(POD_INDEX_LABEL, Integer.toString(ordinal));
        return b.build();
    }

    /** kube's {@code newVersionedStatefulSetPod}: the pod of {@code ordinal}, from {@code template} at {@code revision}. */
    static Pod newPod(StatefulSet set, PodTemplateSpec template, String revision, int ordinal) {
        String name = name(set, ordinal);
        ObjectMeta.Builder m = ObjectMeta.newBuilder()
                .setName(name)
                .setNamespace(set.getMetadata().getNamespace())
                .putAllLabels(template.getMetadata().getLabelsMap())
                .putLabels(POD_NAME_LABEL, name)
                .putLabels(POD_INDEX_LABEL, Integer.toString(ordinal))
                .putLabels(REVISION_LABEL, revision)
                .putAllAnnotations(template.getMetadata().getAnnotationsMap())
                .addAllFinalizers(template.getMetadata().getFinalizersList())
                .addOwnerReferences(ownerRef(set));
        // written straight to etcd, so what the API server would default and admit is applied here
        PodSpec spec = PodSpecDefaults.admission(
                PodSpecDefaults.scheme(StatefulClaims.withClaimVolumes(set, ordinal, template.getSpec()).toBuilder()
                        .setHostname(name)
                        .setSubdomain(set.getSpec().getServiceName())
                        .build()));
        return Pod.newBuilder()
                .setMetadata(m)
                .setSpec(spec)
                .setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(QosClass.of(spec)))
                .build();
    }

    static OwnerReference ownerRef(StatefulSet set) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind("StatefulSet")
                .setName(set.getMetadata().getName())
                .setUid(set.getMetadata().getUid())
                .setController(true)
                .setBlockOwnerDeletion(true)
                .build();
    }

    static boolean isFailed(Pod p) {
        return p.getStatus().getPhase().equals("Failed");
    }

    static boolean isSucceeded(Pod p) {
        return p.getStatus().getPhase().equals("Succeeded");
    }

    static boolean isTerminating(Pod p) {
        return p.getMetadata().hasDeletionTimestamp();
    }

    /** kube's {@code isRunningAndReady}. */
    static boolean isRunningAndReady(Pod p) {
        return p.getStatus().getPhase().equals("Running") && Pods.isReady(p);
    }

    /** kube's {@code isRunningAndAvailable}. */
    static boolean isRunningAndAvailable(Pod p, int minReadySeconds, Instant now) {
        return isRunningAndReady(p) && Pods.isAvailable(p, minReadySeconds, now);
    }

    /** kube's {@code isHealthy}: running, ready and not terminating. */
    static boolean isHealthy(Pod p) {
        return isRunningAndReady(p) && !isTerminating(p);
    }
}
