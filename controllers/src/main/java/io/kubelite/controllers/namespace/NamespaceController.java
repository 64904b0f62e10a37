package io.kubelite.controllers.namespace;

import com.google.protobuf.Message;
import io.kubelite.api.Namespace;
import io.kubelite.api.NamespaceCondition;
import io.kubelite.api.NamespaceStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ListOptions;
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
 * {@code deletionTimestamp} gets phase {@code Terminating}, then everything in it is
 * deleted (bound pods gracefully, so their kubelets finish them — or the pod GC, for
 * dead nodes), and once it is empty its {@code kubernetes} finalizer is removed and the
 * Namespace object itself is deleted.
 */
public final class NamespaceController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceController.class);
    public static final List<String> SYSTEM = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    static final String FINALIZER = "kubernetes";
    /** What a namespace holds: every stored namespaced kind (the registry's one list). */
    private static final List<Resource<? extends Message>> CONTENT =
            Kinds.stored().stream().filter(Resource::namespaced).toList();

    private final ControllerContext ctx;
    private final ObjectStore<Namespace> namespaces;
    private final Informer<Namespace> informer;
    private final WorkQueue<String> queue;
    private final int workers;

    public NamespaceController(ControllerContext ctx) {
        this.queue = ctx.newQueue("namespace");
        this.ctx = ctx;
        this.namespaces = ctx.store().of(NamespaceKind.RESOURCE);
        this.informer = ctx.informers().get(NamespaceKind.RESOURCE);
        this.workers = ctx.options().concurrentNamespaceSyncs;
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
        int remaining = 0;
        for (Resource<? extends Message> r : CONTENT) {
            remaining += deleteAll(r, name);
        }
        if (remaining > 0) {
            int left = remaining;
            namespaces
                    .guaranteedUpdate(
                            null,
                            name,
                            Preconditions.uid(uid),
                            cur -> withCondition(
                                    cur,
                                    NamespaceCondition.newBuilder()
                                            .setType("NamespaceContentRemaining")
                                            .setStatus("True")
                                            .setReason("SomeResourcesRemain")
                                            .setMessage(left + " objects remain (pods wait for their kubelet)")
                                            .build()))
                    .get(15, TimeUnit.SECONDS);
            return Result.requeueAfter(Duration.ofSeconds(1));
        }
        Namespace fin = namespaces
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
        if (fin.getSpec().getFinalizersCount() == 0 && fin.getMetadata().getFinalizersCount() == 0) {
            try {
                namespaces.delete(null, name, Preconditions.uid(uid)).get(15, TimeUnit.SECONDS);
                LOG.info("namespace {} deleted", name);
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    throw e;
                }
            }
        }
        return Result.done();
    }

    private static Namespace withCondition(Namespace ns, NamespaceCondition c) {
        NamespaceStatus.Builder st = ns.getStatus().toBuilder();
        for (int i = 0; i < st.getConditionsCount(); i++) {
            NamespaceCondition old = st.getConditions(i);
            if (old.getType().equals(c.getType())) {
                if (old.getStatus().equals(c.getStatus()) && old.getMessage().equals(c.getMessage())) {
                    return ns;
                }
                st.setConditions(
                        i,
                        c.toBuilder()
                                .setLastTransitionTime(
                                        old.getStatus().equals(c.getStatus())
                                                ? old.getLastTransitionTime()
                                                : Times.nowSeconds()));
                return ns.toBuilder().setStatus(st).build();
            }
        }
        st.addConditions(c.toBuilder().setLastTransitionTime(Times.nowSeconds()));
        return ns.toBuilder().setStatus(st).build();
    }

    /** Deletes every object of {@code r} in the namespace (a quorum list); returns how many still exist. */
    @SuppressWarnings("unchecked")
    private <T extends Message> int deleteAll(Resource<T> r, String ns) throws Exception {
        ObjectStore<T> store = ctx.store().of(r);
        List<T> items = store.list(ListOptions.<T>inNamespace(ns))
                .get(30, TimeUnit.SECONDS)
                .items();
        for (T obj : items) {
            ObjectMeta m = r.meta(obj);
            try {
                if (r == PodKind.RESOURCE) {
                    Pods.delete((ObjectStore<Pod>) store, (Pod) obj).get(15, TimeUnit.SECONDS);
                } else {
                    store.delete(ns, m.getName(), Preconditions.uid(m.getUid())).get(15, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    throw e;
                }
            }
        }
        return store.list(ListOptions.<T>inNamespace(ns))
                .get(30, TimeUnit.SECONDS)
                .items()
                .size();
    }

    @Override
    public void close() {
        queue.close();
    }
}
