package io.kubelite.apiserver;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.store.Resource;
import io.kubelite.store.Resources;

/**
 * Every decision the generic handlers take differently by kind, in one place: which
 * subresources a kind serves, how an object is prepared for create and update (system
 * fields, defaulting, validation, whether the main resource may change status), and how
 * it is deleted. The handlers ask here and never test a kind themselves, so that a
 * per-kind strategy (kube's {@code rest.RESTCreateStrategy}/{@code RESTUpdateStrategy}/
 * {@code RESTDeleteStrategy}) can replace each method in this one spot.
 */
public final class KindRules {
    /** How a kind's objects go away on a DELETE of one object. */
    public enum DeletionStyle {
        /** Finalizers, if any, hold it with a deletionTimestamp; else it is removed at once. */
        STANDARD,
        /** A pod bound to a live node gets a grace period its kubelet honours ({@code pods.PodGracefulDeletion}). */
        GRACEFUL_POD,
        /** The namespace turns Terminating and is emptied first ({@code namespaces.NamespaceDeletion}). */
        NAMESPACE
    }

    private KindRules() {
    }

    /** Whether {@code r} serves subresource {@code sub} (404 otherwise). */
    public static boolean allowsSubresource(Resource<?> r, String sub) {
        return switch (sub) {
            case "status" -> r == Resources.PODS || r == Resources.NODES
                    || r == Resources.NAMESPACES || r == Resources.REPLICA_SETS;
            case "binding", "log" -> r == Resources.PODS;
            case "scale" -> r == Resources.REPLICA_SETS;
            default -> false;
        };
    }

    /**
     * The object a create writes: the client's, without the fields only the server sets,
     * in the request's namespace, defaulted and validated (422 when invalid).
     */
    public static <T extends Message> T prepareForCreate(Resource<T> r, T obj, String namespace) {
        ObjectMeta.Builder mb = r.meta(obj).toBuilder().clearResourceVersion().clearUid().clearCreationTimestamp()
                .clearDeletionTimestamp().clearDeletionGracePeriodSeconds().clearGeneration();
        if (r.namespaced()) {
            mb.setNamespace(namespace);
        } else {
            mb.clearNamespace();
        }
        T next = Defaults.onCreate(r.withMeta(obj, mb.build()));
        Validation.validateCreate(r, next);
        return next;
    }

    /**
     * The object an update of the main resource writes, from the stored one and the
     * client's: the server's metadata kept, status kept (except for kinds whose status the
     * main resource owns), defaulted, generation bumped on a spec change, validated.
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
        T out = r.withMeta(in, mb.build());
        if (r != Resources.SERVICES) {
            // the main resource does not change status (kube's PrepareForUpdate)
            out = withStatusOf(out, cur);
        }
        out = Defaults.onWrite(out);
        if (r.spec(cur) != null && !r.spec(cur).equals(r.spec(out))) {
            out = r.withMeta(out, r.meta(out).toBuilder().setGeneration(cm.getGeneration() + 1).build());
        }
        Validation.validateUpdate(r, cur, out);
        return out;
    }

    /** The object an update of the {@code status} subresource writes: the stored one with the client's status. */
    public static <T extends Message> T prepareForStatusUpdate(T cur, T in) {
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
     * Whether an update that leaves a deleting object without finalizers removes it. Not
     * pods (their kubelet removes them) nor namespaces (removed once emptied).
     */
    public static boolean deletedWhenFinalizersEmpty(Resource<?> r) {
        return r != Resources.PODS && r != Resources.NAMESPACES;
    }

    /**
     * Whether {@code propagationPolicy=Foreground} marks the object with kube's
     * {@code foregroundDeletion} finalizer. Pods own nothing here (Foreground is Background
     * for them); namespaces have their own finalizer.
     */
    public static boolean supportsForegroundDeletion(Resource<?> r) {
        return r != Resources.PODS && r != Resources.NAMESPACES;
    }

    public static DeletionStyle deletionStyle(Resource<?> r) {
        if (r == Resources.PODS) {
            return DeletionStyle.GRACEFUL_POD;
        }
        return r == Resources.NAMESPACES ? DeletionStyle.NAMESPACE : DeletionStyle.STANDARD;
    }

    /** Whether a completed delete answers the last state of the object (else a Success Status), as kube's registries do. */
    public static boolean deleteReturnsObject(Resource<?> r) {
        return r == Resources.PODS || r == Resources.NAMESPACES || r == Resources.SERVICES;
    }
}
