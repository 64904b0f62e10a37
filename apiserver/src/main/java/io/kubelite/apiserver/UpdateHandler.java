package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.Operation;
import io.kubelite.store.ConflictException;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * PUT and PATCH of an object or its {@code status}: both compute the new object from the
 * stored one ({@link KindRules#prepareForUpdate}, or {@link KindRules#prepareForStatusUpdate}
 * for status) and write it with a compare on its revision, retrying from the fresh value
 * (a PUT with a {@code metadata.resourceVersion} is a precondition instead: stale → 409).
 * An update that removes the last finalizer of a deleting object finishes its delete. Every
 * write records its field manager ({@link FieldOwnership}); an apply patch goes to
 * {@link ApplyHandler}.
 */
final class UpdateHandler<T extends Message> {
    private final RequestScope<T> s;
    private final Request r;
    private final String name;

    UpdateHandler(RequestScope<T> s) {
        this.s = s;
        this.r = s.request();
        this.name = s.name();
    }

    /** PUT: the body is the whole object. */
    void update(String body) {
        BodyDecoder.Decoded<T> d = s.representation().decode(body, FieldValidation.of(r, "UpdateOptions"));
        r.warnings(d.warnings());
        T in = d.object();
        ObjectMeta im = s.resource().meta(in);
        checkName(im);
        if (s.resource().namespaced()
                && !im.getNamespace().isEmpty()
                && !im.getNamespace().equals(s.namespace())) {
            throw ApiException.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request");
        }
        Preconditions pre = im.getResourceVersion().isEmpty()
                ? Preconditions.NONE
                : Preconditions.resourceVersion(im.getResourceVersion());
        if (!pre.isEmpty()) {
            QueryOptions.parseRv(im.getResourceVersion());
        }
        String manager = FieldOwnership.manager(r, false);
        FieldOwnership<T> ownership = new FieldOwnership<>(s);
        write(pre, cur -> ownership.updated(cur, prepare(cur, in), manager), QueryOptions.dryRun(r));
    }

    /** PATCH: the body is a patch, applied to the stored object on each attempt. */
    void patch(String body) {
        PatchType type = PatchType.of(r);
        if (type == PatchType.STRATEGIC && s.resource().custom()) {
            // a custom resource has no patch metadata to merge lists by: kube refuses it alike
            throw ApiException.of(
                    415,
                    "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include:"
                            + " application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
        if (type == PatchType.APPLY) {
            new ApplyHandler<>(s, this).apply(body);
            return;
        }
        JsonNode patch = BodyDecoder.json(body, "patch");
        if (patch == null) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        if (r.http().getParam("force") != null) {
            throw ApiException.of(
                    422,
                    "Invalid",
                    "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");
        }
        FieldValidation validation = FieldValidation.of(r, "PatchOptions");
        String manager = FieldOwnership.manager(r, false);
        FieldOwnership<T> ownership = new FieldOwnership<>(s);
        Representation<T> rep = s.representation();
        write(
                Preconditions.NONE,
                cur -> {
                    ObjectNode tree = rep.typedTree(cur);
                    JsonNode patched =
                            type.apply(tree, patch, rep.served().prototype().getDescriptorForType());
                    if (!patched.isObject()) {
                        throw ApiException.badRequest("the patched object is not an object");
                    }
                    String prv =
                            patched.path("metadata").path("resourceVersion").asText("");
                    if (!prv.isEmpty() && !prv.equals(s.resource().meta(cur).getResourceVersion())) {
                        throw ApiException.from(
                                new ConflictException(
                                        s.store().key(s.namespace(), name),
                                        "Operation cannot be fulfilled on "
                                                + s.resource().plural() + " \"" + name
                                                + "\": the object has been modified; please apply your changes to the latest version "
                                                + "and try again",
                                        null,
                                        0),
                                s.resource(),
                                name);
                    }
                    r.warnings(List.of());
                    BodyDecoder.Decoded<T> d = rep.decodePatched(patched, type, body, validation);
                    r.warnings(d.warnings());
                    checkName(s.resource().meta(d.object()));
                    return ownership.updated(cur, prepare(cur, d.object()), manager);
                },
                QueryOptions.dryRun(r));
    }

    private void checkName(ObjectMeta im) {
        if (!im.getName().equals(name)) {
            throw ApiException.badRequest(
                    "the name of the object (" + im.getName() + ") does not match the name on the URL (" + name + ")");
        }
    }

    T prepare(T cur, T in) {
        if (s.subresource() != null) {
            return KindRules.prepareForStatusUpdate(cur, in);
        }
        T next = KindRules.prepareForUpdate(s.resource(), cur, in);
        s.ctx().checkEscalation(r.user(), s.resource(), next, cur);
        return next;
    }

    void write(Preconditions pre, UnaryOperator<T> fn, boolean dry) {
        if (s.ctx().admission().handles(attributes(null, null, dry))) {
            writeAdmitted(pre, fn, dry);
            return;
        }
        if (dry) {
            s.then(s.store().get(s.namespace(), name), name, cur -> s.sendObject(200, fn.apply(cur)));
            return;
        }
        s.then(s.ctx().services().update(s.store(), s.namespace(), name, pre, fn), name, this::written);
    }

    /**
     * An update the admission chain looks at: the new object is computed from the stored one,
     * admitted (asynchronously: plugins may read), then written only if the stored object has not
     * changed meanwhile; when it has, the whole round runs again from the fresh object (a
     * client's own resourceVersion precondition is a 409 instead, as without admission).
     */
    private void writeAdmitted(Preconditions pre, UnaryOperator<T> fn, boolean dry) {
        s.then(admittedWrite(pre, fn, dry, 0), name, o -> {
            if (dry) {
                s.sendObject(200, o);
            } else {
                written(o);
            }
        });
    }

    private static final int ADMITTED_WRITE_ATTEMPTS = 5;

    private CompletableFuture<T> admittedWrite(Preconditions pre, UnaryOperator<T> fn, boolean dry, int attempt) {
        return s.store()
                .get(s.namespace(), name)
                .thenCompose(cur -> {
                    T next = fn.apply(cur);
                    return s.ctx()
                            .admission()
                            .<T>admit(attributes(next, cur, dry))
                            .thenCompose(admitted -> {
                                if (dry) {
                                    return CompletableFuture.completedFuture(admitted);
                                }
                                String rv = s.resource().meta(cur).getResourceVersion();
                                Preconditions unchanged =
                                        pre.resourceVersion().isEmpty() ? new Preconditions(pre.uid(), rv) : pre;
                                return s.ctx()
                                        .services()
                                        .update(s.store(), s.namespace(), name, unchanged, c -> admitted);
                            });
                })
                .exceptionallyCompose(err -> {
                    boolean raced = StoreException.unwrap(err) instanceof ConflictException c
                            && !c.isUidMismatch()
                            && pre.resourceVersion().isEmpty()
                            && attempt + 1 < ADMITTED_WRITE_ATTEMPTS;
                    return raced ? admittedWrite(pre, fn, dry, attempt + 1) : CompletableFuture.failedFuture(err);
                });
    }

    private Attributes attributes(T next, T cur, boolean dry) {
        return new Attributes(
                Operation.UPDATE,
                s.resource(),
                s.subresource(),
                s.resource().namespaced() ? s.namespace() : "",
                name,
                next,
                cur,
                dry,
                r.user(),
                r.admission());
    }

    private void written(T o) {
        ObjectMeta m = s.resource().meta(o);
        if (m.hasDeletionTimestamp()
                && m.getFinalizersCount() == 0
                && KindRules.deletedWhenFinalizersEmpty(s.resource())) {
            // the last finalizer is gone: finish the delete
            s.then(s.store().delete(s.namespace(), name, Preconditions.uid(m.getUid())), name, d -> {
                s.ctx().services().deleted(d.object());
                s.sendObject(200, o);
            });
            return;
        }
        s.sendObject(200, o);
    }
}
