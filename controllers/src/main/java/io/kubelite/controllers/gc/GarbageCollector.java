package io.kubelite.controllers.gc;

import com.google.protobuf.Message;
import io.kubelite.api.CustomObject;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import io.kubelite.kinds.batch.cronjob.CronJobKind;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector.
 *
 * <p>Background propagation: an object whose owners (matched by
 * uid) no longer exist is deleted; when only some owners are gone, their references are
 * removed. An owner's absence is confirmed with a quorum read of etcd before anything
 * is deleted, so a dependent created just after its owner is never collected because of
 * watch lag. Owners can be of the built-in kinds or of any kind an established CRD defines
 * ({@link CustomOwners}, followed from the CRDs as kube's collector follows discovery); owner
 * kinds neither knows are left alone. Bound pods are deleted
 * gracefully. Watched dependents: pods, replicasets, services, endpoints,
 * serviceaccounts, secrets and leases (a node Lease owned by its Node goes with it), and the
 * objects of every established CRD.
 *
 * <p>Foreground propagation: the API server marks the owner with a deletionTimestamp and
 * the {@code foregroundDeletion} finalizer and leaves it in place. The collector deletes
 * every dependent that is not already terminating, waits until no dependent whose
 * reference to the owner has {@code blockOwnerDeletion} remains (terminating pods count
 * until their kubelet removes them), then removes the finalizer and, when it was the last
 * one, the owner itself. Unlike kube, dependents are themselves deleted in the background
 * (their own dependents follow through the background path). Owners in foreground deletion
 * can be any watched kind, nodes and custom kinds; namespaces have their own finalizer.
 */
public final class GarbageCollector implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    static final String OWNER_INDEX = "ownerUid";
    /** kube's finalizer for foreground cascading deletion (metav1.FinalizerDeleteDependents). */
    public static final String FOREGROUND_FINALIZER = "foregroundDeletion";
    /** Re-check of an owner still waiting for blocking dependents, in case a delete event was missed. */
    private static final Duration FOREGROUND_RECHECK = Duration.ofSeconds(5);

    private static final List<Resource<? extends Message>> DEPENDENTS = List.of(
            PodKind.RESOURCE,
            ReplicaSetKind.RESOURCE,
            DeploymentKind.RESOURCE,
            StatefulSetKind.RESOURCE,
            ControllerRevisionKind.RESOURCE,
            DaemonSetKind.RESOURCE,
            ServiceKind.RESOURCE,
            EndpointsKind.RESOURCE,
            ServiceAccountKind.RESOURCE,
            SecretKind.RESOURCE,
            LeaseKind.RESOURCE,
            JobKind.RESOURCE,
            PersistentVolumeClaimKind.RESOURCE);

    /** A dependent or owner, by resource plural (a custom resource's {@code group/plural}), namespace and name. */
    record Ref(String resource, String namespace, String name) {}

    private final ControllerContext ctx;
    /** Dependents (which can also be owners), by plural. */
    private final Map<String, Informer<? extends Message>> informers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Kinds that are only ever owners here, by plural. */
    private final Map<String, Informer<? extends Message>> owners = new LinkedHashMap<>();

    private final WorkQueue<Ref> queue;
    private final int workers;
    /** Owners of the kinds the CRDs define, followed as the CRDs come and go. */
    private final CustomOwners customOwners;

    public GarbageCollector(ControllerContext ctx) {
        this.queue = ctx.newQueue("garbagecollector");
        this.ctx = ctx;
        this.workers = ctx.options().concurrentGcSyncs;
        for (Resource<? extends Message> r : DEPENDENTS) {
            watch(r);
        }
        // owners that are never dependents here: their deletion must still wake their dependents
        ownerOnly(NodeKind.RESOURCE);
        ownerOnly(NamespaceKind.RESOURCE);
        ownerOnly(CronJobKind.RESOURCE);
        customOwners = new CustomOwners(
                ctx.informers().get(CustomResourceDefinitionKind.RESOURCE), ctx.store(), new CustomOwners.Listener() {
                    @Override
                    public void starting(Informer<CustomObject> inf) {
                        watchDependents(inf);
                    }

                    @Override
                    public void stopped(Informer<CustomObject> inf) {
                        informers.remove(refKey(inf.resource()), inf);
                        enqueueDependentsOfKind(
                                inf.resource().group(), inf.resource().kind());
                    }
                });
    }

    /** The owner reference's kind: a built-in one, or one a CRD defines (or defined). */
    private Optional<Resource<? extends Message>> ownerResource(OwnerReference o) {
        Optional<Resource<? extends Message>> builtIn = Kinds.byKind(o.getApiVersion(), o.getKind());
        return builtIn.isPresent()
                ? builtIn
                : customOwners.byKind(o.getApiVersion(), o.getKind()).map(r -> r);
    }

    /** The informer of a watched kind, by {@link Ref#resource()}; null when none is watched. */
    private Informer<? extends Message> informerOf(String resource) {
        return informers.getOrDefault(resource, owners.get(resource));
    }

    private static String refKey(Resource<?> r) {
        return r.custom() ? r.keySegment() : r.plural();
    }

    /**
     * A CRD went: the delete events of its objects may not all have been seen (its informer is
     * closed), so every dependent of its kind is looked at again.
     */
    private void enqueueDependentsOfKind(String group, String kind) {
        for (Informer<? extends Message> inf : informers.values()) {
            enqueueOwnedBy(inf, group, kind);
        }
    }

    private <T extends Message> void enqueueOwnedBy(Informer<T> inf, String group, String kind) {
        for (T d : inf.list()) {
            ObjectMeta m = inf.resource().meta(d);
            if (m.getOwnerReferencesList().stream()
                    .anyMatch(o -> o.getKind().equals(kind) && o.getApiVersion().startsWith(group + "/"))) {
                queue.add(ref(inf.resource(), m));
            }
        }
    }

    private static boolean foregroundPending(ObjectMeta m) {
        return m.hasDeletionTimestamp() && m.getFinalizersList().contains(FOREGROUND_FINALIZER);
    }

    private <T extends Message> void watch(Resource<T> r) {
        watchDependents(ctx.informers().get(r));
    }

    /** Watches {@code inf}'s objects as dependents (and owners); before it starts. */
    private <T extends Message> void watchDependents(Informer<T> inf) {
        Resource<T> r = inf.resource();
        informers.put(refKey(r), inf);
        inf.addIndex(
                OWNER_INDEX,
                o -> r.meta(o).getOwnerReferencesList().stream()
                        .map(OwnerReference::getUid)
                        .toList());
        inf.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T o) {
                if (r.meta(o).getOwnerReferencesCount() > 0 || foregroundPending(r.meta(o))) {
                    queue.add(ref(r, r.meta(o)));
                }
            }

            @Override
            public void onUpdate(T old, T o) {
                if (r.meta(o).getOwnerReferencesCount() > 0
                                && !r.meta(old)
                                        .getOwnerReferencesList()
                                        .equals(r.meta(o).getOwnerReferencesList())
                        || foregroundPending(r.meta(o)) && !foregroundPending(r.meta(old))) {
                    queue.add(ref(r, r.meta(o)));
                }
            }

            @Override
            public void onDelete(T o) {
                ownerDeleted(r.meta(o).getUid());
                dependentDeleted(r, r.meta(o));
            }
        });
    }

    private <T extends Message> void ownerOnly(Resource<T> r) {
        Informer<T> inf = ctx.informers().get(r);
        owners.put(r.plural(), inf);
        inf.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T o) {
                if (foregroundPending(r.meta(o))) {
                    queue.add(ref(r, r.meta(o)));
                }
            }

            @Override
            public void onUpdate(T old, T o) {
                if (foregroundPending(r.meta(o)) && !foregroundPending(r.meta(old))) {
                    queue.add(ref(r, r.meta(o)));
                }
            }

            @Override
            public void onDelete(T o) {
                ownerDeleted(r.meta(o).getUid());
            }
        });
    }

    private void ownerDeleted(String uid) {
        for (Map.Entry<String, Informer<? extends Message>> e : informers.entrySet()) {
            enqueueDependents(e.getValue(), uid);
        }
    }

    /** An owner waiting in foreground deletion may be waiting for exactly this dependent. */
    private void dependentDeleted(Resource<?> r, ObjectMeta m) {
        for (OwnerReference o : m.getOwnerReferencesList()) {
            ownerResource(o)
                    .filter(or -> informerOf(refKey(or)) != null)
                    .ifPresent(
                            or -> queue.add(new Ref(refKey(or), or.namespaced() ? m.getNamespace() : "", o.getName())));
        }
    }

    private <T extends Message> void enqueueDependents(Informer<T> inf, String ownerUid) {
        for (T d : inf.byIndex(OWNER_INDEX, ownerUid)) {
            queue.add(ref(inf.resource(), inf.resource().meta(d)));
        }
    }

    private static Ref ref(Resource<?> r, ObjectMeta m) {
        return new Ref(refKey(r), m.getNamespace(), m.getName());
    }

    @Override
    public String name() {
        return "garbagecollector";
    }

    @Override
    public void start() {
        for (Informer<? extends Message> inf : informers.values()) {
            enqueueAll(inf);
        }
        for (Informer<? extends Message> inf : owners.values()) {
            enqueueAll(inf);
        }
        queue.start(workers, this::sync);
    }

    private <T extends Message> void enqueueAll(Informer<T> inf) {
        for (T o : inf.list()) {
            ObjectMeta m = inf.resource().meta(o);
            if (m.getOwnerReferencesCount() > 0 || foregroundPending(m)) {
                queue.add(ref(inf.resource(), inf.resource().meta(o)));
            }
        }
    }

    private Result sync(Ref ref) throws Exception {
        @SuppressWarnings("unchecked")
        Informer<Message> inf = (Informer<Message>) informerOf(ref.resource());
        if (inf == null) {
            return Result.done(); // a custom owner whose CRD is gone: nothing left to finish
        }
        return syncTyped(inf, ref);
    }

    private <T extends Message> Result syncTyped(Informer<T> inf, Ref ref) throws Exception {
        Resource<T> r = inf.resource();
        T obj = inf.get(ref.namespace(), ref.name()).orElse(null);
        if (obj == null) {
            return Result.done();
        }
        ObjectMeta m = r.meta(obj);
        if (foregroundPending(m)) {
            return syncForeground(r, obj);
        }
        if (m.getOwnerReferencesCount() == 0 || m.hasDeletionTimestamp()) {
            return Result.done();
        }
        List<OwnerReference> dangling = new ArrayList<>();
        int solid = 0;
        for (OwnerReference o : m.getOwnerReferencesList()) {
            Optional<Resource<? extends Message>> or = ownerResource(o);
            if (or.isEmpty()) {
                solid++; // a kind we cannot look up: never collect because of it
                continue;
            }
            if (ownerExists(or.get(), r.namespaced() ? m.getNamespace() : null, o)) {
                solid++;
            } else {
                dangling.add(o);
            }
        }
        if (dangling.isEmpty()) {
            return Result.done();
        }
        ObjectStore<T> store = ctx.store().of(r);
        if (solid == 0) {
            try {
                if (r == PodKind.RESOURCE) {
                    @SuppressWarnings("unchecked")
                    ObjectStore<Pod> pods = (ObjectStore<Pod>) store;
                    Pods.delete(pods, (Pod) obj).get(15, TimeUnit.SECONDS);
                } else {
                    store.delete(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()))
                            .get(15, TimeUnit.SECONDS);
                }
                LOG.info(
                        "garbage collected {} {}: owner {} {} ({}) no longer exists",
                        r.kind(),
                        key(m),
                        dangling.get(0).getKind(),
                        dangling.get(0).getName(),
                        dangling.get(0).getUid());
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    throw e;
                }
            }
            return Result.done();
        }
        List<String> gone = dangling.stream().map(OwnerReference::getUid).toList();
        store.guaranteedUpdate(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), cur -> {
                    ObjectMeta cm = r.meta(cur);
                    ObjectMeta.Builder b = cm.toBuilder().clearOwnerReferences();
                    cm.getOwnerReferencesList().stream()
                            .filter(o -> !gone.contains(o.getUid()))
                            .forEach(b::addOwnerReferences);
                    return r.withMeta(cur, b.build());
                })
                .get(15, TimeUnit.SECONDS);
        LOG.info("removed {} dangling owner references from {} {}", gone.size(), r.kind(), key(m));
        return Result.done();
    }

    /** One step of a foreground deletion of {@code owner}; see the class comment. */
    private <T extends Message> Result syncForeground(Resource<T> r, T owner) throws Exception {
        ObjectMeta m = r.meta(owner);
        int blocking = 0;
        int deleted = 0;
        for (Informer<? extends Message> inf : informers.values()) {
            for (Message d : inf.byIndex(OWNER_INDEX, m.getUid())) {
                @SuppressWarnings("unchecked")
                Resource<Message> dr = (Resource<Message>) inf.resource();
                ObjectMeta dm = dr.meta(d);
                if (dm.getOwnerReferencesList().stream()
                        .anyMatch(o -> o.getUid().equals(m.getUid()) && o.getBlockOwnerDeletion())) {
                    blocking++;
                }
                if (!dm.hasDeletionTimestamp() && deleteDependent(dr, d)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("foreground deletion of {} {}: deleting {} dependents", r.kind(), key(m), deleted);
        }
        if (blocking > 0) {
            return Result.requeueAfter(FOREGROUND_RECHECK);
        }
        ObjectStore<T> store = ctx.store().of(r);
        String ns = r.namespaced() ? m.getNamespace() : null;
        try {
            T cur = store.guaranteedUpdate(ns, m.getName(), Preconditions.uid(m.getUid()), o -> {
                        ObjectMeta om = r.meta(o);
                        return r.withMeta(
                                o,
                                om.toBuilder()
                                        .clearFinalizers()
                                        .addAllFinalizers(om.getFinalizersList().stream()
                                                .filter(f -> !f.equals(FOREGROUND_FINALIZER))
                                                .toList())
                                        .build());
                    })
                    .get(15, TimeUnit.SECONDS);
            if (r.meta(cur).getFinalizersCount() == 0) {
                store.delete(ns, m.getName(), Preconditions.uid(m.getUid())).get(15, TimeUnit.SECONDS);
                LOG.info("foreground deletion of {} {} finished: no blocking dependents left", r.kind(), key(m));
            } else {
                LOG.info(
                        "foreground deletion of {} {}: dependents gone, waiting for finalizers {}",
                        r.kind(),
                        key(m),
                        r.meta(cur).getFinalizersList());
            }
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw e;
            }
        }
        return Result.done();
    }

    /** Deletes one dependent (a bound pod gracefully); false when it was already gone. */
    private boolean deleteDependent(Resource<Message> dr, Message d) throws Exception {
        ObjectMeta dm = dr.meta(d);
        try {
            if (dr == (Resource<?>) PodKind.RESOURCE) {
                @SuppressWarnings("unchecked")
                ObjectStore<Pod> pods =
                        (ObjectStore<Pod>) (ObjectStore<?>) ctx.store().of(dr);
                Pods.delete(pods, (Pod) d).get(15, TimeUnit.SECONDS);
            } else {
                ctx.store()
                        .of(dr)
                        .delete(
                                dr.namespaced() ? dm.getNamespace() : null,
                                dm.getName(),
                                Preconditions.uid(dm.getUid()))
                        .get(15, TimeUnit.SECONDS);
            }
            return true;
        } catch (Exception e) {
            if (Pods.isGone(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Cache first; an absent or different owner is confirmed with a quorum read. */
    @SuppressWarnings("unchecked")
    private <O extends Message> boolean ownerExists(Resource<O> or, String namespace, OwnerReference o)
            throws Exception {
        String ns = or.namespaced() ? namespace : null;
        if (or.namespaced() && (ns == null || ns.isEmpty())) {
            return true; // a cluster-scoped dependent cannot name a namespaced owner; leave it
        }
        Informer<O> inf = (Informer<O>) informers.get(refKey(or));
        if (inf != null) {
            Optional<O> cached = inf.get(ns, o.getName());
            if (cached.isPresent() && or.meta(cached.get()).getUid().equals(o.getUid())) {
                return true;
            }
        }
        try {
            O live = ctx.store().of(or).get(ns, o.getName()).get(15, TimeUnit.SECONDS);
            return or.meta(live).getUid().equals(o.getUid());
        } catch (Exception e) {
            if (StoreException.unwrap(e) instanceof NotFoundException) {
                return false;
            }
            throw e;
        }
    }

    private static String key(ObjectMeta m) {
        return m.getNamespace().isEmpty() ? m.getName() : m.getNamespace() + "/" + m.getName();
    }

    @Override
    public void close() {
        queue.close();
        customOwners.close();
    }
}
