package io.kubelite.apiserver;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.CustomObject;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomObjects;
import io.kubelite.kinds.validation.FieldError;
import java.util.List;

/**
 * What the generic handlers ask of a kind, answered from the kind registry: the
 * subresources it serves, its strategy run over an object about to be created or updated
 * (kube's {@code rest.BeforeCreate}/{@code BeforeUpdate}: system fields, defaulting,
 * status reset, validation as a 422), and how it is deleted. The handlers ask here and
 * never test a kind themselves.
 */
public final class KindRules {
    private KindRules() {}

    /** Whether {@code r} serves subresource {@code sub} (404 otherwise). */
    public static boolean allowsSubresource(Resource<?> r, String sub) {
        return Kinds.of(r).hasSubresource(sub);
    }

    /** Whether subresource {@code sub} of {@code r} serves {@code verb} (405 otherwise: GET of pods/eviction). */
    public static boolean allowsSubresourceVerb(Resource<?> r, String sub, String verb) {
        return Kinds.of(r).subresources().stream()
                .anyMatch(x -> x.name().equals(sub) && x.verbs().contains(verb));
    }

    /**
     * The object a create writes: the client's, without the fields only the server sets,
     * in the request's namespace, defaulted and validated (422 when invalid).
     */
    public static <T extends Message> T prepareForCreate(Resource<T> r, T obj, String namespace) {
        ObjectMeta.Builder mb = r.meta(obj).toBuilder()
                .clearResourceVersion()
                .clearUid()
                .clearCreationTimestamp()
                .clearDeletionTimestamp()
                .clearDeletionGracePeriodSeconds()
                .clearGeneration();
        if (r.namespaced()) {
            mb.setNamespace(namespace);
        } else {
            mb.clearNamespace();
        }
        Kind<T> kind = Kinds.of(r);
        T next = kind.strategy().prepareForCreate(kind.strategy().defaults(r.withMeta(obj, mb.build())));
        throwIfInvalid(r, next, kind.validateCreate(next));
        return next;
    }

    /**
     * The object an update of the main resource writes, from the stored one and the
     * client's: the server's metadata kept, the kind's strategy's preparation (status kept
     * where it has its own subresource), defaulted, generation bumped on a spec change, validated.
     */
    public static <T extends Message> T prepareForUpdate(Resource<T> r, T cur, T in) {
        ObjectMeta cm = r.meta(cur);
        ObjectMeta im = r.meta(in);
        ObjectMeta.Builder mb = im.toBuilder()
                .setNamespace(cm.getNamespace())
                .setCreationTimestamp(cm.getCreationTimestamp())
                .setGeneration(cm.getGeneration())
                .setResourceVersion(cm.getResourceVersion());
        if (im.getUid().isEmpty()) {
            mb.setUid(cm.getUid());
        }
        if (cm.hasDeletionTimestamp()) {
            mb.setDeletionTimestamp(cm.getDeletionTimestamp());
        } else {
            mb.clearDeletionTimestamp();
        }
        if (cm.hasDeletionGracePeriodSeconds()) {
            mb.setDeletionGracePeriodSeconds(cm.getDeletionGracePeriodSeconds());
        } else {
            mb.clearDeletionGracePeriodSeconds();
        }
        Kind<T> kind = Kinds.of(r);
        T out = kind.strategy().defaults(kind.strategy().prepareForUpdate(r.withMeta(in, mb.build()), cur));
        if (r.spec(cur) != null && !r.spec(cur).equals(r.spec(out))) {
            out = r.withMeta(
                    out,
                    r.meta(out).toBuilder()
                            .setGeneration(cm.getGeneration() + 1)
                            .build());
        }
        throwIfInvalid(r, out, kind.validateUpdate(out, cur));
        return out;
    }

    /** The kind's warnings for a created object (kube's {@code WarningsOnCreate}), sent in {@code Warning} headers. */
    public static <T extends Message> List<String> warningsOnCreate(Resource<T> r, T obj) {
        return Kinds.of(r).strategy().warningsOnCreate(obj);
    }

    /** The object an update of the {@code status} subresource writes: the stored one with the client's status. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T prepareForStatusUpdate(T cur, T in) {
        if (cur instanceof CustomObject c) {
            return (T) CustomObjects.withStatusOf(c, (CustomObject) in);
        }
        return withStatusOf(cur, in);
    }

    /** {@code target} with the status of {@code source} (cleared when it has none); kinds without status unchanged. */
    private static <T extends Message> T withStatusOf(T target, T source) {
        FieldDescriptor status = target.getDescriptorForType().findFieldByName("status");
        if (status == null) {
            return target;
        }
        Message.Builder b = target.toBuilder();
        if (source.hasField(status)) {
            b.setField(status, source.getField(status));
        } else {
            b.clearField(status);
        }
        @SuppressWarnings("unchecked")
        T out = (T) b.build();
        return out;
    }

    /**
     * Whether an update that leaves a deleting object without finalizers removes it: only
     * for kinds the API server deletes itself (not pods, whose kubelet removes them, nor
     * namespaces, removed once emptied).
     */
    public static boolean deletedWhenFinalizersEmpty(Resource<?> r) {
        return deletionStyle(r) == DeletionStyle.IMMEDIATE;
    }

    /**
     * Whether {@code propagationPolicy=Foreground} marks the object with kube's
     * {@code foregroundDeletion} finalizer. Pods own nothing here (Foreground is Background
     * for them); namespaces have their own finalizer.
     */
    public static boolean supportsForegroundDeletion(Resource<?> r) {
        return deletionStyle(r) == DeletionStyle.IMMEDIATE;
    }

    public static DeletionStyle deletionStyle(Resource<?> r) {
        return Kinds.of(r).strategy().deletion();
    }

    /** Whether a completed delete answers the last state of the object (else a Success Status), as kube's registries do. */
    public static boolean deleteReturnsObject(Resource<?> r) {
        return Kinds.of(r).strategy().returnDeletedObject();
    }

    private static <T extends Message> void throwIfInvalid(Resource<T> r, T obj, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            ObjectMeta m = r.meta(obj);
            throw ApiException.invalid(r, m.getName().isEmpty() ? m.getGenerateName() : m.getName(), errors);
        }
    }
}
