package io.kubelite.apiserver;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
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
     * As {@link #share(Message)}, taking each part that did not change from {@code previous} (the
     * cached version this one replaces, already shared) as that version's instance, at every
     * level: most changes touch one corner of an object (a pod's status phase, one condition, the
     * resourceVersion), and walking the unchanged parts again, field by field through protobuf's
     * reflection, and looking each up in the interners, is what made this transform the slowest
     * step of a watch event. Comparing with the previous version is generated code ({@code
     * equals}), and only what differs from it is walked and interned.
     */
    @SuppressWarnings("unchecked")
    <M extends Message> M share(M o, M previous) {
        return (M) children(o, previous);
    }

    /** {@code m} with its children shared; {@code previous}: the same-typed part it replaces, or null. */
    private Message children(Message m, Message previous) {
        return previous == null ? walk(m) : fromPrevious(m, previous);
    }

    /** Without a previous version: each child shared, into a copy of {@code m} when any changes instance. */
    private Message walk(Message m) {
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
            FieldDescriptor fd = f.getKey();
            JavaTypeKind k = kind(fd);
            if (k == JavaTypeKind.OTHER || fd.isMapField()) {
                continue;
            }
            Object v = f.getValue();
            Object s = fd.isRepeated() ? list(k, (List<?>) v, null) : one(k, v, null);
            if (s != v) {
                if (b == null) {
                    b = m.toBuilder();
                }
                b.setField(fd, s);
            }
        }
        return b == null ? m : b.build();
    }

    /**
     * With a previous version: built from {@code previous}, setting only the fields whose value
     * differs from it (and clearing those {@code m} no longer has), since most of a new version is
     * its previous one and protobuf's reflective {@code setField} costs more than the comparison.
     */
    private Message fromPrevious(Message m, Message previous) {
        Map<FieldDescriptor, Object> now = m.getAllFields();
        Map<FieldDescriptor, Object> was = previous.getAllFields();
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> f : now.entrySet()) {
            FieldDescriptor fd = f.getKey();
            Object v = f.getValue();
            Object w = was.get(fd);
            Object s;
            JavaTypeKind k = kind(fd);
            if (k == JavaTypeKind.OTHER || fd.isMapField()) {
                s = w != null && w.equals(v) ? w : v;
            } else if (fd.isRepeated()) {
                s = list(k, (List<?>) v, (List<?>) w);
            } else {
                s = one(k, v, w);
            }
            if (s != w) {
                if (b == null) {
                    b = previous.toBuilder();
                }
                b.setField(fd, s);
            }
        }
        if (was.size() > now.size() || b != null) {
            for (FieldDescriptor fd : was.keySet()) {
                if (!now.containsKey(fd)) {
                    if (b == null) {
                        b = previous.toBuilder();
                    }
                    b.clearField(fd);
                }
            }
        }
        return b == null ? previous : b.build();
    }

    /** The list with its elements shared, or {@code list} itself when none changed instance. */
    private Object list(JavaTypeKind k, List<?> list, List<?> was) {
        if (was != null && was != list && was.equals(list)) {
            return was;
        }
        List<Object> out = null;
        for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            Object s = one(k, e, was != null && i < was.size() ? was.get(i) : null);
            if (s != e) {
                if (out == null) {
                    out = new ArrayList<>(list);
                }
                out.set(i, s);
            }
        }
        return out == null ? list : out;
    }

    /** The shared instance of {@code v}: {@code was} when equal (already shared), else an interned one. */
    private Object one(JavaTypeKind k, Object v, Object was) {
        if (was == v) {
            return v;
        }
        if (was != null && was.equals(v)) {
            return was;
        }
        if (k == JavaTypeKind.MESSAGE) {
            // a changed message: its unchanged children from the part it replaces, the rest interned
            Message shared = children((Message) v, was instanceof Message w ? w : null);
            // an object's metadata (its name, uid, resourceVersion) equals no other cached object's:
            // interning it would only hash it and add, then drop, one weak entry per version
            return shared instanceof ObjectMeta ? shared : messages.intern(shared);
        }
        return strings.intern((String) v);
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
