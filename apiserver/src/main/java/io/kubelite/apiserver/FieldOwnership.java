package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.ManagedFieldsEntry;
import io.kubelite.api.ObjectMeta;
import io.kubelite.apiserver.fieldmanager.FieldManager;
import io.kubelite.apiserver.fieldmanager.FieldSet;
import io.kubelite.apiserver.fieldmanager.ManagedFieldsCodec;
import io.kubelite.apiserver.fieldmanager.Manager;
import io.kubelite.apiserver.fieldmanager.PathElement;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Clock;
import java.util.List;

/**
 * {@code metadata.managedFields} kept on every write through the API server, as
 * kube-apiserver's field manager keeps it: a create, update or patch records its manager
 * ({@link #manager}) as the owner of what it set; an apply goes through
 * {@link FieldManager#apply}. A client may replace the entries by sending its own (or reset
 * them with {@code [{}]}); sending none keeps the stored ones. Writes the control-plane
 * processes make straight to etcd do not record ownership (see docs/apiserver.md).
 */
final class FieldOwnership<T extends Message> {
    private final RequestScope<T> s;
    private final FieldManager fieldManager;

    FieldOwnership(RequestScope<T> s) {
        this.s = s;
        Descriptor type = s.served().prototype().getDescriptorForType();
        String sub = s.subresource() == null ? "" : s.subresource();
        this.fieldManager = new FieldManager(type, s.served().apiVersion(), sub, ignored(type, sub), Clock.systemUTC());
    }

    FieldManager fieldManager() {
        return fieldManager;
    }

    /** kube's reset fields: status through the main resource, everything else through status. */
    private FieldSet ignored(Descriptor type, String sub) {
        FieldSet set = new FieldSet();
        boolean statusSub = Kinds.of(s.resource()).hasSubresource("status");
        for (FieldDescriptor f : type.getFields()) {
            boolean status = f.getJsonName().equals("status");
            if (sub.equals("status") ? !status : status && statusSub) {
                set.insert(List.of(PathElement.field(f.getJsonName())));
            }
        }
        return set;
    }

    /**
     * The field manager a request names ({@code fieldManager}), or for a non-apply write the
     * client's User-Agent product (kube's default); 422 when it is longer than 128
     * characters, or missing on an apply.
     */
    static String manager(Request r, boolean apply) {
        String m = r.http().getParam("fieldManager");
        if (m == null || m.isEmpty()) {
            if (apply) {
                throw ApiException.of(
                        422,
                        "Invalid",
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            }
            String ua = r.http().getHeader("User-Agent");
            m = ua == null ? "" : ua.split("/", 2)[0];
            StringBuilder printable = new StringBuilder();
            m.codePoints().filter(c -> c >= 0x20 && c != 0x7f).forEach(printable::appendCodePoint);
            m = printable.length() > 128 ? printable.substring(0, 128) : printable.toString();
            return m.isEmpty() ? "unknown" : m;
        }
        if (m.length() > 128) {
            throw ApiException.of(
                    422,
                    "Invalid",
                    "the fieldManager query parameter must be at most 128 characters long, got " + m.length());
        }
        return m;
    }

    /** {@code next}, written by {@code manager} over {@code cur} (null: a create), with its managedFields. */
    T updated(T cur, T next, String manager) {
        List<Manager> base = base(cur, next);
        ObjectNode liveTree = cur == null ? null : s.representation().typedTree(cur);
        ObjectNode nextTree = s.representation().typedTree(next);
        return withManagers(next, fieldManager.update(liveTree, nextTree, base, manager));
    }

    /** {@code obj} with these managers as its managedFields. */
    T withManagers(T obj, List<Manager> managers) {
        ObjectMeta m = s.resource().meta(obj);
        List<ManagedFieldsEntry> entries = ManagedFieldsCodec.encode(managers);
        if (m.getManagedFieldsList().equals(entries)) {
            return obj;
        }
        return s.resource()
                .withMeta(
                        obj,
                        m.toBuilder()
                                .clearManagedFields()
                                .addAllManagedFields(entries)
                                .build());
    }

    /** The stored object's managers. */
    List<Manager> stored(T cur) {
        return cur == null ? List.of() : decode(s.resource().meta(cur).getManagedFieldsList());
    }

    /**
     * kube's decodeLiveOrNew: the entries the client sent, when it sent any and writes the main
     * resource; none at all for {@code [{}]}; else the stored ones.
     */
    private List<Manager> base(T cur, T next) {
        List<ManagedFieldsEntry> sent = s.resource().meta(next).getManagedFieldsList();
        if (s.subresource() != null || sent.isEmpty() || (cur != null && sent.equals(meta(cur)))) {
            return stored(cur);
        }
        if (sent.size() == 1 && sent.get(0).equals(ManagedFieldsEntry.getDefaultInstance())) {
            return List.of();
        }
        return decode(sent);
    }

    private List<ManagedFieldsEntry> meta(T cur) {
        return s.resource().meta(cur).getManagedFieldsList();
    }

    private List<Manager> decode(List<ManagedFieldsEntry> entries) {
        try {
            return ManagedFieldsCodec.decode(entries);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            int colon = msg.indexOf(": ");
            throw ApiException.invalid(
                    s.resource(),
                    s.name() == null ? "" : s.name(),
                    List.of(new FieldError(
                            "FieldValueInvalid",
                            msg.substring(colon + 2),
                            "metadata.managedFields" + msg.substring(0, colon))));
        }
    }
}
