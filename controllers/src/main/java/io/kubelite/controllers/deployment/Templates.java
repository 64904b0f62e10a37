package io.kubelite.controllers.deployment;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.PodTemplateSpec;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code EqualIgnoreHash}: whether a ReplicaSet's pod template is a Deployment's, ignoring the
 * {@code pod-template-hash} label. Go compares with {@code apiequality.Semantic.DeepEqual}, where a
 * struct field is always there; protobuf tells an empty message from an absent one, so both sides
 * are compared with their empty messages cleared ({@code resources: {}} equals no resources). That
 * keeps a rollback's template, which went through kubectl's Go types, equal to the ReplicaSet's.
 */
final class Templates {
    private Templates() {}

    static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return normalized(a).equals(normalized(b));
    }

    static PodTemplateSpec normalized(PodTemplateSpec t) {
        PodTemplateSpec.Builder b = t.toBuilder();
        b.getMetadataBuilder().removeLabels(PodTemplateHash.LABEL);
        return (PodTemplateSpec) stripEmpty(b.build());
    }

    /** {@code t} with the hash label; the selector of a new ReplicaSet gets it too. */
    static PodTemplateSpec withHash(PodTemplateSpec t, String hash) {
        PodTemplateSpec.Builder b = t.toBuilder();
        b.getMetadataBuilder().putLabels(PodTemplateHash.LABEL, hash);
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static Message stripEmpty(Message m) {
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isMapField()) {
                continue;
            }
            if (f.isRepeated()) {
                List<Message> items = (List<Message>) e.getValue();
                for (int i = 0; i < items.size(); i++) {
                    Message s = stripEmpty(items.get(i));
                    if (s != items.get(i)) {
                        b = b == null ? m.toBuilder() : b;
                        b.setRepeatedField(f, i, s);
                    }
                }
                continue;
            }
            Message v = (Message) e.getValue();
            Message s = stripEmpty(v);
            if (s.equals(s.getDefaultInstanceForType())) {
                b = b == null ? m.toBuilder() : b;
                b.clearField(f);
            } else if (s != v) {
                b = b == null ? m.toBuilder() : b;
                b.setField(f, s);
            }
        }
        return b == null ? m : b.build();
    }
}
