package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.Operation;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * POST of a new object: decode, prepare ({@link KindRules#prepareForCreate}: system
 * fields, defaulting, validation), admit (the {@link io.kubelite.apiserver.admission admission
 * chain}, mutating then validating plugins), record its field manager in {@code managedFields}, then create in etcd
 * (409 AlreadyExists when taken), answering 201 with the stored object. {@code dryRun=All}
 * answers what would have been written.
 */
final class CreateHandler {
    private CreateHandler() {}

    static <T extends Message> void create(RequestScope<T> s, String body) {
        BodyDecoder.Decoded<T> d = s.representation().decode(body, FieldValidation.of(s.request(), "CreateOptions"));
        s.request().warnings(d.warnings());
        T obj = d.object();
        String manager = FieldOwnership.manager(s.request(), false);
        FieldOwnership<T> ownership = new FieldOwnership<>(s);
        create(s, obj, next -> ownership.updated(null, next, manager));
    }

    /**
     * Creates {@code obj} (decoded, not yet prepared); {@code owned} gives the prepared object
     * its managedFields.
     */
    static <T extends Message> void create(RequestScope<T> s, T obj, UnaryOperator<T> owned) {
        if (s.ctx().kinds().terminating(s.resource())) {
            throw ApiException.methodNotAllowed("create not allowed while custom resource definition is terminating");
        }
        ObjectMeta m = s.resource().meta(obj);
        String ns = s.namespace();
        if (s.resource().namespaced()
                && !m.getNamespace().isEmpty()
                && !m.getNamespace().equals(ns)) {
            throw ApiException.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request");
        }
        T next = owned.apply(KindRules.prepareForCreate(s.resource(), obj, ns));
        s.ctx().checkEscalation(s.request().user(), s.resource(), next, null);
        s.request().addWarnings(KindRules.warningsOnCreate(s.resource(), next));
        boolean dry = QueryOptions.dryRun(s.request());
        Attributes a = new Attributes(
                Operation.CREATE,
                s.resource(),
                s.subresource(),
                s.resource().namespaced() ? ns : "",
                m.getName(),
                next,
                null,
                dry,
                s.request().user(),
                s.request().admission());
        CompletableFuture<T> admitted = s.ctx().admission().admit(a);
        s.then(admitted, m.getName(), admittedObj -> {
            if (dry) {
                s.sendObject(201, s.resource().withTypeMeta(admittedObj));
                return;
            }
            s.then(s.ctx().services().create(s.store(), admittedObj), m.getName(), o -> s.sendObject(201, o));
        });
    }
}
