package io.kubelite.apiserver;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.MessageFields;
import io.kubelite.api.ObjectMeta;
import java.util.ArrayList;
import java.util.List;

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
        for (MessageFields.Field f : MessageFields.of(m).fields()) {
            MessageFields.Kind k = f.kind();
            if (k == MessageFields.Kind.OTHER) {
                continue;
            }
            Object v = f.get(m);
            if (v == null || (v instanceof String str && str.isEmpty()) || (v instanceof List<?> l && l.isEmpty())) {
                continue;
            }
            Object s = f.repeated() ? list(k, (List<?>) v, null) : one(k, v, null);
            if (s != v) {
                if (b == null) {
                    b = m.toBuilder();
                }
                b.setField(f.descriptor(), s);
            }
        }
        return b == null ? m : b.build();
    }

    /**
     * With a previous version: built from {@code previous}, setting only the fields whose value
     * differs from it (and clearing those {@code m} no longer has), since most of a new version is
     * its previous one and protobuf's reflective {@code setField} costs more than the comparison.
     * The fields are read through {@link MessageFields}: protobuf's own reflection ({@code
     * getAllFields}) was most of this transform's time.
     */
    private Message fromPrevious(Message m, Message previous) {
        Message.Builder b = null;
        for (MessageFields.Field f : MessageFields.of(m).fields()) {
            Object v = f.get(m);
            Object w = f.get(previous);
            if (v == w) {
                continue;
            }
            FieldDescriptor fd = f.descriptor();
            if (v == null) {
                if (b == null) {
                    b = previous.toBuilder();
                }
                b.clearField(fd);
                continue;
            }
            MessageFields.Kind k = f.kind();
            Object s;
            if (k == MessageFields.Kind.OTHER) {
                s = w != null && w.equals(v) ? w : v;
            } else if (f.repeated()) {
                s = list(k, (List<?>) v, (List<?>) w);
            } else {
                s = one(k, v, w);
            }
            if (s != w) {
                if (b == null) {
                    b = previous.toBuilder();
                }
                // numbers, enums and maps go in as reflection's form of them, which is m's
                b.setField(fd, k == MessageFields.Kind.OTHER ? m.getField(fd) : s);
            }
        }
        return b == null ? previous : b.build();
    }

    /** The list with its elements shared, or {@code list} itself when none changed instance. */
    private Object list(MessageFields.Kind k, List<?> list, List<?> was) {
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
    private Object one(MessageFields.Kind k, Object v, Object was) {
        if (was == v) {
            return v;
        }
        if (was != null && was.equals(v)) {
            return was;
        }
        if (k == MessageFields.Kind.MESSAGE) {
            // a changed message: its unchanged children from the part it replaces, the rest interned
            Message shared = children((Message) v, was instanceof Message w ? w : null);
            // an object's metadata (its name, uid, resourceVersion) equals no other cached object's:
            // interning it would only hash it and add, then drop, one weak entry per version
            return shared instanceof ObjectMeta ? shared : messages.intern(shared);
        }
        return strings.intern((String) v);
    }
}
