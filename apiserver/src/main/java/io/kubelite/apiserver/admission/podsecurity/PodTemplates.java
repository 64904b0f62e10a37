package io.kubelite.apiserver.admission.podsecurity;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.PodTemplateSpec;
import java.util.Optional;

/**
 * The pod template of a workload object, found by its shape rather than a list of kinds:
 * {@code template} (PodTemplate), {@code spec.template} (Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job, ReplicationController) or {@code spec.jobTemplate.spec.template} (CronJob).
 */
final class PodTemplates {
    private PodTemplates() {}

    /** Whether objects shaped as {@code type} carry a pod template. */
    static boolean carries(Descriptor type) {
        return path(type) != null;
    }

    /** The template of {@code obj}, when its kind has one and it is set. */
    static Optional<PodTemplateSpec> of(Message obj) {
        String[] path = path(obj.getDescriptorForType());
        if (path == null) {
            return Optional.empty();
        }
        Message m = obj;
        for (String field : path) {
            FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
            if (!m.hasField(f)) {
                return Optional.empty();
            }
            m = (Message) m.getField(f);
        }
        return Optional.of((PodTemplateSpec) m);
    }

    private static String[] path(Descriptor type) {
        for (String[] p :
                new String[][] {{"template"}, {"spec", "template"}, {"spec", "job_template", "spec", "template"}}) {
            if (leadsToTemplate(type, p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean leadsToTemplate(Descriptor type, String[] path) {
        Descriptor d = type;
        for (String field : path) {
            FieldDescriptor f = d.findFieldByName(field);
            if (f == null || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isRepeated()) {
                return false;
            }
            d = f.getMessageType();
        }
        return d.equals(PodTemplateSpec.getDescriptor());
    }
}
