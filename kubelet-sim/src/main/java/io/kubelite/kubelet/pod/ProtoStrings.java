package io.kubelite.kubelet.pod;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.MessageFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        return (M) internMessage(m, NOTHING_KNOWN, UnaryOperator.identity());
    }

    /**
     * {@code m} with its short strings interned and every message in it, itself included,
     * replaced by what {@code canonical} gives for it once its own fields are interned (an equal
     * message, perhaps one shared with other pods: {@link SharedMessages}); equal to {@code m}.
     * Before walking into a message, {@code known} is asked for an equal one already interned
     * (or null): a ReplicaSet's pods repeat their containers, tolerations and owner, and taking
     * the one seen before skips rebuilding it string by string.
     */
    @SuppressWarnings("unchecked")
    static <M extends Message> M intern(M m, UnaryOperator<Message> known, UnaryOperator<Message> canonical) {
        return (M) internMessage(m, known, canonical);
    }

    private static final UnaryOperator<Message> NOTHING_KNOWN = m -> null;

    private static Message internMessage(Message m, UnaryOperator<Message> known, UnaryOperator<Message> canonical) {
        Message seen = known.apply(m);
        if (seen != null) {
            return seen;
        }
        Message.Builder b = null;
        // read through the generated accessors: protobuf's reflection (getAllFields) was most of
        // kubelet-sim's CPU per watch event
        MessageFields fields = MessageFields.of(m);
        for (MessageFields.Field f : fields.fields()) {
            FieldDescriptor fd = f.descriptor();
            Object v;
            Object interned;
            if (fd.isMapField()) {
                if (((Map<?, ?>) f.get(m)).isEmpty()) {
                    continue;
                }
                // its entries as messages, which reflection alone gives and sets
                v = m.getField(fd);
                interned = internList(fd, (List<?>) v, known, canonical);
            } else if (f.kind() == MessageFields.Kind.OTHER) {
                continue;
            } else {
                v = f.get(m);
                if (v == null) {
                    continue;
                }
                interned = f.repeated()
                        ? internList(fd, (List<?>) v, known, canonical)
                        : internValue(fd, v, known, canonical);
            }
            if (interned != v) {
                if (b == null) {
                    // toBuilder() would give every map field, empty ones too, a map of its own
                    b = fields.hasMapFields() ? fields.builderFrom(m, Set.of()) : m.toBuilder();
                }
                b.setField(fd, interned);
            }
        }
        return canonical.apply(b == null ? m : b.build());
    }

    private static Object internList(
            FieldDescriptor f, List<?> list, UnaryOperator<Message> known, UnaryOperator<Message> canonical) {
        List<Object> out = null;
        for (int i = 0; i < list.size(); i++) {
            Object x = list.get(i);
            Object y = internValue(f, x, known, canonical);
            if (y != x && out == null) {
                out = new ArrayList<>(list.subList(0, i));
            }
            if (out != null) {
                out.add(y);
            }
        }
        return out == null ? list : out;
    }

    private static Object internValue(
            FieldDescriptor f, Object v, UnaryOperator<Message> known, UnaryOperator<Message> canonical) {
        if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
            String s = (String) v;
            if (s.length() > MAX_LENGTH) {
                return s;
            }
            String c = s.intern();
            return c;
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            return internMessage((Message) v, known, canonical);
        }
        return v;
    }
}
