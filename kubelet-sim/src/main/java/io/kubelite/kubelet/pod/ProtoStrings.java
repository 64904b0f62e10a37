package io.kubelite.kubelet.pod;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Canonical copies of the short strings in a decoded protobuf message. Every decode makes new
 * String objects, so 100,000 pods read from etcd hold 100,000 copies of "default", "True",
 * "Always", their image and label names; interned, they share one each. Strings longer than
 * {@link #MAX_LENGTH} (tokens, certificates, ids) are left alone: they rarely repeat.
 */
final class ProtoStrings {
    static final int MAX_LENGTH = 128;

    private ProtoStrings() {}

    /** {@code m} with every string field (nested, repeated and map ones too) interned; equal to {@code m}. */
    @SuppressWarnings("unchecked")
    static <M extends Message> M intern(M m) {
        return (M) internMessage(m, UnaryOperator.identity());
    }

    /**
     * {@code m} with its short strings interned and every message in it, itself included,
     * replaced by what {@code canonical} gives for it once its own fields are interned (an equal
     * message, perhaps one shared with other pods: {@link SharedMessages}); equal to {@code m}.
     */
    @SuppressWarnings("unchecked")
    static <M extends Message> M intern(M m, UnaryOperator<Message> canonical) {
        return (M) internMessage(m, canonical);
    }

    private static Message internMessage(Message m, UnaryOperator<Message> canonical) {
        Map<FieldDescriptor, Object> fields = m.getAllFields();
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> e : fields.entrySet()) {
            FieldDescriptor f = e.getKey();
            Object v = e.getValue();
            Object interned;
            if (f.isRepeated()) {
                List<?> list = (List<?>) v;
                List<Object> out = null;
                for (int i = 0; i < list.size(); i++) {
                    Object x = list.get(i);
                    Object y = internValue(f, x, canonical);
                    if (y != x && out == null) {
                        out = new ArrayList<>(list.subList(0, i));
                    }
                    if (out != null) {
                        out.add(y);
                    }
                }
                interned = out == null ? v : out;
            } else {
                interned = internValue(f, v, canonical);
            }
            if (interned != v) {
                if (b == null) {
                    b = startFrom(m, fields);
                }
                b.setField(f, interned);
            }
        }
        return canonical.apply(b == null ? m : b.build());
    }

    /**
     * A builder holding {@code m}'s fields. Not {@code m.toBuilder()}: that gives every map field,
     * empty ones too, a map of its own (some 150 bytes each) where the default instance shares one.
     */
    private static Message.Builder startFrom(Message m, Map<FieldDescriptor, Object> fields) {
        Message.Builder b = m.newBuilderForType();
        fields.forEach(b::setField);
        return b.setUnknownFields(m.getUnknownFields());
    }

    private static Object internValue(FieldDescriptor f, Object v, UnaryOperator<Message> canonical) {
        if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
            String s = (String) v;
            if (s.length() > MAX_LENGTH) {
                return s;
            }
            String c = s.intern();
            return c;
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            return internMessage((Message) v, canonical);
        }
        return v;
    }
}
