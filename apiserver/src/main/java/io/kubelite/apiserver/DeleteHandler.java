package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.Operation;
import io.kubelite.apiserver.namespaces.NamespaceDeletion;
import io.kubelite.apiserver.pods.PodGracefulDeletion;
import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DELETE of one object: preconditions, then the propagation policy (Orphan: dependents
 * lose their owner reference first; Foreground: the object waits, marked, for the garbage
 * collector; Background, the default: dependents are the garbage collector's business),
 * then the kind's {@link DeletionStyle}. Objects with finalizers only get a
 * deletionTimestamp; the update that clears the last one removes them.
 */
final class DeleteHandler<T extends Message> {
    /** kube's metav1.FinalizerDeleteDependents; the controller-manager's GarbageCollector removes it. */
    private static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    private final RequestScope<T> s;
    private final String name;

    DeleteHandler(RequestScope<T> s) {
        this.s = s;
        this.name = s.name();
    }

    void serve(String body) {
        DeleteOptions opts = DeleteOptions.parse(s.request(), body);
        s.then(s.store().get(s.namespace(), name).thenCompose(cur -> admitted(cur, opts)), name, cur -> {
            checkPreconditions(cur, opts.preconditions());
            if (opts.dryRun()) {
                s.sendObject(200, cur);
                return;
            }
            if ("Orphan".equals(opts.propagation())) {
                // kube's orphan finalizer, done at once: dependents lose their reference to this owner first
                s.then(
                        new OrphanDependents(s.ctx())
                                .of(s.resource(), s.resource().meta(cur)),
                        name,
                        v -> deleteNow(cur, opts));
                return;
            }
            if ("Foreground".equals(opts.propagation()) && KindRules.supportsForegroundDeletion(s.resource())) {
                deleteForeground(opts);
                return;
            }
            deleteNow(cur, opts);
        });
    }

    /** Completes with {@code cur} once the admission chain lets the delete go on. */
    private CompletableFuture<T> admitted(T cur, DeleteOptions opts) {
        Attributes a = new Attributes(
                Operation.DELETE,
                s.resource(),
                s.subresource(),
                s.resource().namespaced() ? s.namespace() : "",
                name,
                null,
                cur,
                opts.dryRun(),
                s.request().user(),
                s.request().admission());
        if (!s.ctx().admission().handles(a)) {
            return CompletableFuture.completedFuture(cur);
        }
        return s.ctx().admission().admit(a).thenApply(x -> cur);
    }

    /**
     * kube's foreground cascading deletion: the object stays, marked with a deletionTimestamp
     * and the {@code foregroundDeletion} finalizer, until the garbage collector has removed
     * its blocking dependents and then the finalizer.
     */
    private void deleteForeground(DeleteOptions opts) {
        s.then(
                s.store().guaranteedUpdate(s.namespace(), name, opts.preconditions(), o -> {
                    ObjectMeta om = s.resource().meta(o);
                    if (om.hasDeletionTimestamp() && om.getFinalizersList().contains(FOREGROUND_FINALIZER)) {
                        return o;
                    }
                    ObjectMeta.Builder b = om.toBuilder();
                    if (!om.hasDeletionTimestamp()) {
                        b.setDeletionTimestamp(now()).setDeletionGracePeriodSeconds(0);
                    }
                    if (!om.getFinalizersList().contains(FOREGROUND_FINALIZER)) {
                        b.addFinalizers(FOREGROUND_FINALIZER);
                    }
                    return s.resource().withMeta(o, b.build());
                }),
                name,
                o -> s.sendObject(200, o));
    }

    private void deleteNow(T cur, DeleteOptions opts) {
        switch (KindRules.deletionStyle(s.resource())) {
            case GRACEFUL -> {
                Pod pod = (Pod) cur;
                if (PodGracefulDeletion.applies(pod, opts.grace(), s.ctx().cache(NodeKind.RESOURCE))) {
                    @SuppressWarnings("unchecked")
                    ObjectStore<Pod> pods = (ObjectStore<Pod>) s.store();
                    s.request()
                            .then(
                                    PodGracefulDeletion.start(
                                            pods,
                                            s.namespace(),
                                            name,
                                            PodGracefulDeletion.grace(pod, opts.grace()),
                                            opts.preconditions()),
                                    PodKind.RESOURCE,
                                    name,
                                    p -> s.request().bytes(200, Codec.typed(PodKind.RESOURCE, p)));
                    return;
                }
            }
            case CONTROLLER_FINALIZED -> {
                s.request()
                        .then(
                                NamespaceDeletion.start(s.ctx().store(), name, opts.preconditions()),
                                NamespaceKind.RESOURCE,
                                name,
                                n -> s.request().bytes(200, Codec.typed(NamespaceKind.RESOURCE, n)));
                return;
            }
            case IMMEDIATE -> {}
        }
        ObjectMeta m = s.resource().meta(cur);
        if (m.getFinalizersCount() > 0) {
            s.then(
                    s.store().guaranteedUpdate(s.namespace(), name, opts.preconditions(), o -> {
                        ObjectMeta om = s.resource().meta(o);
                        if (om.hasDeletionTimestamp()) {
                            return o;
                        }
                        return s.resource()
                                .withMeta(
                                        o,
                                        om.toBuilder()
                                                .setDeletionTimestamp(now())
                                                .setDeletionGracePeriodSeconds(0)
                                                .build());
                    }),
                    name,
                    o -> s.sendObject(200, o));
            return;
        }
        Preconditions pre = opts.preconditions().isEmpty() ? Preconditions.uid(m.getUid()) : opts.preconditions();
        s.then(s.store().delete(s.namespace(), name, pre), name, d -> deleted(d.object() != null ? d.object() : cur));
    }

    private void checkPreconditions(T cur, Preconditions pre) {
        ObjectMeta m = s.resource().meta(cur);
        var r = s.resource();
        if (!pre.uid().isEmpty() && !pre.uid().equals(m.getUid())) {
            throw new ApiException(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on " + ApiException.qualified(r)
                            + " \"" + name + "\": Precondition failed: UID in precondition: " + pre.uid()
                            + ", UID in object meta: " + m.getUid(),
                    name,
                    r.group(),
                    r.plural(),
                    List.of(),
                    null);
        }
        if (!pre.resourceVersion().isEmpty() && !pre.resourceVersion().equals(m.getResourceVersion())) {
            throw new ApiException(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on " + ApiException.qualified(r)
                            + " \"" + name + "\": Precondition failed: ResourceVersion in precondition: "
                            + pre.resourceVersion()
                            + ", ResourceVersion in object meta: " + m.getResourceVersion(),
                    name,
                    r.group(),
                    r.plural(),
                    List.of(),
                    null);
        }
    }

    private void deleted(T last) {
        s.ctx().services().deleted(last);
        if (KindRules.deleteReturnsObject(s.resource())) {
            s.sendObject(200, last);
            return;
        }
        ObjectNode st = Codec.successStatus();
        ObjectNode d = st.putObject("details");
        d.put("name", name);
        if (!s.resource().group().isEmpty()) {
            d.put("group", s.resource().group());
        }
        d.put("kind", s.resource().plural());
        d.put("uid", s.resource().meta(last).getUid());
        s.request().json(200, st);
    }

    private static Timestamp now() {
        return Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    }
}
