package io.kubelite.controllers.namespace;

import io.kubelite.api.Namespace;
import io.kubelite.api.NamespaceStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Namespaces: the system namespaces ({@code default}, {@code kube-system},
 * {@code kube-public}, {@code kube-node-lease}) always exist (recreated if removed); a
 * namespace without a phase gets {@code Active}; a namespace with a
 * {@code deletionTimestamp} (the API server's DELETE) gets phase {@code Terminating}, then
 * everything in it is deleted as a DELETE would ({@link NamespacedContentDeleter}: bound pods
 * gracefully, so their kubelets finish them — or the pod GC, for dead nodes; objects with
 * finalizers wait for them), kube's deletion conditions report each pass
 * ({@link NamespaceConditions}), and once it is empty its {@code kubernetes} finalizer is
 * removed (what kube's {@code namespaces/finalize} does) and, with no finalizer left, the
 * Namespace object itself is deleted. This is the only path that empties a namespace; a
 * controller-manager killed in the middle picks it up again from etcd.
 */
public final class NamespaceController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceController.class);
    public static final List<String> SYSTEM = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    static final String FINALIZER = "kubernetes";

    private final ControllerContext ctx;
    private final ObjectStore<Namespace> namespaces;
    private final Informer<Namespace> informer;
    private final WorkQueue<String> queue;
    private final int workers;
    private final NamespacedContentDeleter deleter;

    public NamespaceController(ControllerContext ctx) {
        this.queue = ctx.newQueue("namespace");
        this.ctx = ctx;
        this.namespaces = ctx.store().of(NamespaceKind.RESOURCE);
        this.informer = ctx.informers().get(NamespaceKind.RESOURCE);
        this.workers = ctx.options().concurrentNamespaceSyncs;
        this.deleter = new NamespacedContentDeleter(ctx.store());
        informer.addHandler(
                ResourceEventHandler.onAnyChange(n -> queue.add(n.getMetadata().getName())));
    }

    @Override
    public String name() {
        return "namespace";
    }

    @Override
    public void start() {
        SYSTEM.forEach(queue::add);
        queue.start(workers, this::sync);
    }

    private Result sync(String name) throws Exception {
        Namespace ns = informer.get(null, name).orElse(null);
        if (ns == null) {
            if (SYSTEM.contains(name)) {
                try {
                    namespaces
                            .create(Namespace.newBuilder()
                                    .setMetadata(ObjectMeta.newBuilder().setName(name))
                                    .setSpec(io.kubelite.api.NamespaceSpec.newBuilder()
                                            .addFinalizers(FINALIZER))
                                    .setStatus(NamespaceStatus.newBuilder().setPhase("Active"))
                                    .build())
                            .get(15, TimeUnit.SECONDS);
                    LOG.info("created system namespace {}", name);
                } catch (Exception e) {
                    if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                        throw e;
                    }
                }
            }
            return Result.done();
        }
        if (!ns.getMetadata().hasDeletionTimestamp()) {
            if (ns.getStatus().getPhase().isEmpty()) {
                namespaces
                        .guaranteedUpdate(
                                null,
                                name,
                                Preconditions.uid(ns.getMetadata().getUid()),
                                cur -> cur.getStatus().getPhase().isEmpty()
                                        ? cur.toBuilder()
                                                .setStatus(cur.getStatus().toBuilder()
                                                        .setPhase("Active"))
                                                .build()
                                        : cur)
                        .get(15, TimeUnit.SECONDS);
            }
            return Result.done();
        }
        return finalizeNamespace(ns);
    }

    private Result finalizeNamespace(Namespace ns) throws Exception {
        String name = ns.getMetadata().getName();
        String uid = ns.getMetadata().getUid();
        if (!ns.getStatus().getPhase().equals("Terminating")) {
            namespaces
                    .guaranteedUpdate(
                            null,
                            name,
                            Preconditions.uid(uid),
                            cur -> cur.toBuilder()
                                    .setStatus(cur.getStatus().toBuilder().setPhase("Terminating"))
                                    .build())
                    .get(15, TimeUnit.SECONDS);
            LOG.info("namespace {} is terminating; deleting its content", name);
        }
        NamespaceContent content = deleter.deleteAll(name);
        var conditions = NamespaceConditions.of(content);
        namespaces
                .guaranteedUpdate(null, name, Preconditions.uid(uid), cur -> NamespaceConditions.apply(cur, conditions))
                .get(15, TimeUnit.SECONDS);
        if (!content.done()) {
            LOG.info(
                    "namespace {}: waiting for its content: remaining {}, finalizers {}, failures {}",
                    name,
                    content.remaining,
                    content.finalizers,
                    content.failures);
            return Result.requeueAfter(Duration.ofSeconds(1));
        }
        // kube's namespaces/finalize: the content is gone, the kubernetes finalizer goes
        namespaces
                .guaranteedUpdate(
                        null,
                        name,
                        Preconditions.uid(uid),
                        cur -> cur.toBuilder()
                                .setSpec(cur.getSpec().toBuilder()
                                        .clearFinalizers()
                                        .addAllFinalizers(cur.getSpec().getFinalizersList().stream()
                                                .filter(f -> !f.equals(FINALIZER))
                                                .toList()))
                                .build())
                .get(15, TimeUnit.SECONDS);
        LOG.info("namespace {} is empty; finalizer {} removed", name, FINALIZER);
        return removeIfFinalized(name, uid);
    }

    /** Removes the terminating namespace once it has no finalizers left (spec or metadata). */
    private Result removeIfFinalized(String name, String uid) throws Exception {
        Namespace cur = namespaces.get(null, name).get(15, TimeUnit.SECONDS);
        if (!cur.getMetadata().getUid().equals(uid)
                || cur.getSpec().getFinalizersCount() > 0
                || cur.getMetadata().getFinalizersCount() > 0) {
            return Result.done();
        }
        try {
            namespaces
                    .delete(
                            null,
                            name,
                            Preconditions.resourceVersion(cur.getMetadata().getResourceVersion()))
                    .get(15, TimeUnit.SECONDS);
            LOG.info("namespace {} deleted", name);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw e;
            }
        }
        return Result.done();
    }

    @Override
    public void close() {
        queue.close();
    }
}
