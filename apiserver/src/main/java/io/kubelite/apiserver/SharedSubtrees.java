package io.kubelite.apiserver;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes the equal parts of a watch cache's objects one instance: every sub-message and string of
 * an arriving object is replaced by an equal one some cached object already holds.
 *
 * <p>Why: decoded, a pod costs several times its JSON (each field a Java object, each string its
 * own array, each managedFields set a tree of maps), yet the pods of one ReplicaSet have the same
 * containers, volumes, tolerations, security context and managedFields sets, the same namespace
 * and image strings, and each version of an object repeats most of the previous one (its spec
 * across status updates). Protobuf messages are immutable and compare by value, so equal subtrees
 * can be shared: weak interners keep one instance of each subtree and string that some cached
 * object still holds, and forget it when none does.
 *
 * <p>Bottom-up: a message's children are shared first, so its own equality and hash (memoized by
 * protobuf) are computed once per level. Map fields (labels, annotations, the Struct trees of
 * managedFields) are not walked into: the message holding them is shared whole. The root is not
 * interned (an object's own top level is unique to its version).
 *
 * <p>Thread-safe; used as the watch cache reflector's transform, once per arriving object.
 */
final class SharedSubtrees {
    private final Interner<Message> messages = Interners.newWeakInterner();
    private final Interner<String> strings = Interners.newWeakInterner();

    /** An object equal to {@code o} whose sub-messages and strings are the shared instances. */
    <M extends Message> M share(M o) {
        return share(o, null);
    }

    /**
     * As {@link #share(Message)}, taking each top-level field that did not change from {@code
     * previous} (the cached version this one replaces, already shared) as it is: most changes
     * touch one part of an object (a pod's status, not its spec), and walking the unchanged parts
     * again, field by field through protobuf's reflection, is what made this transform the
     * slowest step of a watch event.
     */
    @SuppressWarnings("unchecked")
    <M extends Message> M share(M o, M previous) {
        return (M) children(o, previous);
    }

    private Message children(Message m) {
        return children(m, null);
    }

    private Message children(Message m, Message previous) {
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
            FieldDescriptor fd = f.getKey();
            JavaTypeKind k = kind(fd);
            if (k == JavaTypeKind.OTHER || fd.isMapField()) {
                continue;
            }
            Object v = f.getValue();
            if (previous != null && k == JavaTypeKind.MESSAGE && !fd.isRepeated() && previous.hasField(fd)) {
                Object was = previous.getField(fd);
                if (was == v) {
                    continue;
                }
                if (was.equals(v)) {
                    if (b == null) {
                        b = m.toBuilder();
                    }
                    b.setField(fd, was);
                    continue;
                }
            }
            if (fd.isRepeated()) {
                List<?> list = (List<?>) v;
                List<Object> out = null;
                for (int i = 0; i < list.size(); i++) {
                    Object e = list.get(i);
                    Object s = one(k, e);
                    if (s != e) {
                        if (out == null) {
                            out = new ArrayList<>(list);
                        }
                        out.set(i, s);
                    }
                }
                if (out != null) {
                    if (b == null) {
                        b = m.toBuilder();
                    }
                    b.setField(fd, out);
                }
            } else {
                Object s = one(k, v);
                if (s != v) {
                    if (b == null) {
                        b = m.toBuilder();
                    }
                    b.setField(fd, s);
                }
            }
        }
        return b == null ? m : b.build();
    }

    private Object one(JavaTypeKind k, Object v) {
        return k == JavaTypeKind.MESSAGE ? messages.intern(children((Message) v)) : strings.intern((String) v);
    }

    private enum JavaTypeKind {
        MESSAGE,
        STRING,
        OTHER
    }

    private static JavaTypeKind kind(FieldDescriptor fd) {
        return switch (fd.getJavaType()) {
            case MESSAGE -> JavaTypeKind.MESSAGE;
            case STRING -> JavaTypeKind.STRING;
            default -> JavaTypeKind.OTHER;
        };
    }
}
