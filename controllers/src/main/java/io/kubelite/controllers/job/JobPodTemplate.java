package io.kubelite.controllers.job;

import io.kubelite.api.Container;
import io.kubelite.api.EnvVar;
import io.kubelite.api.EnvVarSource;
import io.kubelite.api.Job;
import io.kubelite.api.ObjectFieldSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodStatus;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.QosClass;
import io.kubelite.kinds.batch.job.Jobs;

/**
 * The pod the Job controller creates from a Job's template, as kube's does: {@code generateName
 * <job>-} (Indexed: {@code <job>-<index>-}), the template's labels, annotations and finalizers
 * plus the tracking finalizer, a controller reference, and for an Indexed Job the
 * {@code batch.kubernetes.io/job-completion-index} annotation and label, hostname
 * {@code <job>-<index>} and the {@code JOB_COMPLETION_INDEX} variable (downward API on the
 * label). Written straight to etcd, so the API server's pod defaults and admission are applied
 * here ({@link PodSpecDefaults}), with status Pending and the QoS class.
 */
final class JobPodTemplate {
    static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
    private static final int MAX_GENERATED_NAME_LENGTH = 58;

    private JobPodTemplate() {}

    static Pod pod(Job job, int index) {
        return pod(job, index, java.util.Map.of());
    }

    /** The pod with {@code annotations} added (an index's failure counts, see {@link IndexFailures}). */
    static Pod pod(Job job, int index, java.util.Map<String, String> annotations) {
        PodTemplateSpec t = job.getSpec().getTemplate();
        ObjectMeta.Builder m = ObjectMeta.newBuilder()
                .setNamespace(job.getMetadata().getNamespace())
                .putAllLabels(t.getMetadata().getLabelsMap())
                .putAllAnnotations(t.getMetadata().getAnnotationsMap())
                .addAllFinalizers(t.getMetadata().getFinalizersList())
                .addOwnerReferences(ownerRef(job));
        if (!m.getFinalizersList().contains(Jobs.TRACKING_FINALIZER)) {
            m.addFinalizers(Jobs.TRACKING_FINALIZER);
        }
        PodSpec.Builder spec = PodSpecDefaults.admission(PodSpecDefaults.scheme(t.getSpec())).toBuilder();
        String name = job.getMetadata().getName();
        if (index >= 0) {
            m.putAllAnnotations(annotations);
            m.putAnnotations(Jobs.COMPLETION_INDEX, Integer.toString(index));
            m.putLabels(Jobs.COMPLETION_INDEX, Integer.toString(index));
            m.setGenerateName(generateNameWithIndex(name, index));
            spec.setHostname(name + "-" + index);
            for (int i = 0; i < spec.getInitContainersCount(); i++) {
                spec.setInitContainers(i, withIndexEnv(spec.getInitContainers(i)));
            }
            for (int i = 0; i < spec.getContainersCount(); i++) {
                spec.setContainers(i, withIndexEnv(spec.getContainers(i)));
            }
        } else {
            String prefix = name + "-";
            m.setGenerateName(
                    prefix.length() > MAX_GENERATED_NAME_LENGTH
                            ? prefix.substring(0, MAX_GENERATED_NAME_LENGTH)
                            : prefix);
        }
        PodSpec s = spec.build();
        return Pod.newBuilder()
                .setMetadata(m)
                .setSpec(s)
                .setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(QosClass.of(s)))
                .build();
    }

    /** kube's {@code podGenerateNameWithIndex}. */
    static String generateNameWithIndex(String job, int index) {
        String suffix = "-" + index + "-";
        String prefix = job + suffix;
        if (prefix.length() > MAX_GENERATED_NAME_LENGTH) {
            prefix = prefix.substring(0, MAX_GENERATED_NAME_LENGTH - suffix.length()) + suffix;
        }
        return prefix;
    }

    private static Container withIndexEnv(Container c) {
        for (EnvVar e : c.getEnvList()) {
            if (e.getName().equals(INDEX_ENV)) {
                return c;
            }
        }
        return c.toBuilder()
                .addEnv(EnvVar.newBuilder()
                        .setName(INDEX_ENV)
                        .setValueFrom(EnvVarSource.newBuilder()
                                .setFieldRef(ObjectFieldSelector.newBuilder()
                                        .setFieldPath("metadata.labels['" + Jobs.COMPLETION_INDEX + "']"))))
                .build();
    }

    static OwnerReference ownerRef(Job job) {
        return OwnerReference.newBuilder()
                .setApiVersion("batch/v1")
                .setKind("Job")
                .setName(job.getMetadata().getName())
                .setUid(job.getMetadata().getUid())
                .setController(true)
                .setBlockOwnerDeletion(true)
                .build();
    }
}
