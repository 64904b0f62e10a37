package io.kubelite.apiserver;

import com.google.protobuf.Timestamp;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CrdStatus;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import io.kubelite.store.watch.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's CRD finalizer ({@code apiextensions-apiserver/pkg/controller/finalizer}): a CRD being
 * deleted that still has the {@value CrdStatus#CLEANUP_FINALIZER} finalizer gets the condition
 * {@code Terminating=True} (InstanceDeletionInProgress), then each of its custom objects is
 * deleted — one with finalizers only gets a deletionTimestamp and goes when its finalizers are
 * removed, as a DELETE request would do — and once none remains the condition becomes
 * {@code Terminating=False} (InstanceDeletionCompleted), the finalizer is removed and, when it was
 * the last one, the CRD itself.
 *
 * <p>It runs in the API server, as kube runs it in kube-apiserver: a CRD's deletion then finishes
 * with no controller-manager running, and {@code kubectl delete crd} returns as on kube. Every
 * replica runs it, as every kube-apiserver does; the replicas cannot do harm to each other: every
 * write is a revision-checked update or a delete with a uid precondition, and a lost race is a
 * NotFound or a Conflict that the next event or requeue settles. Work runs on its own worker
 * thread (etcd calls with deadlines), never on an event loop.
 */
final class CustomResourceCleanup implements WatchCache.Sink<CustomResourceDefinition>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceCleanup.class);
    /** How soon the objects are counted again while some (with finalizers) remain. */
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private static final long TIMEOUT_SECONDS = 15;

    private final Store store;
    private final ObjectStore<CustomResourceDefinition> crds;
    private final WorkQueue<String> queue = WorkQueue.builder("crd-finalizer").build();

    CustomResourceCleanup(Store store) {
        this.store = store;
        this.crds = store.of(CustomResourceDefinitionKind.RESOURCE);
    }

    /** Starts the worker; CRD changes arrive through {@link #change}. */
    void start() {
        queue.start(1, this::sync);
    }

    @Override
    public void change(WatchChange<CustomResourceDefinition> c) {
        if (c.type() != WatchEvent.Type.DELETED && CrdStatus.terminating(c.object())) {
            queue.add(c.object().getMetadata().getName());
        }
    }

    @Override
    public void bookmark(long revision) {}

    @Override
    public void expired(String message) {}

    private Result sync(String name) throws Exception {
        CustomResourceDefinition crd;
        try {
            crd = crds.get(null, name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (gone(e)) {
                return Result.done();
            }
            throw e;
        }
        if (!CrdStatus.terminating(crd)) {
            return Result.done();
        }
        String uid = crd.getMetadata().getUid();
        crd = updateStatus(
                crd, true, "InstanceDeletionInProgress", "CustomResource deletion is in progress", uid, false);
        List<Kind<CustomObject>> kinds = CustomResourceKinds.of(crd);
        String reason = "NeverEstablished";
        String message = "resource was never established";
        if (!kinds.isEmpty()) {
            // the versions share their objects: one version's store sees them all
            int remaining = deleteObjects(kinds.get(0).resource(), name);
            if (remaining > 0) {
                return Result.requeueAfter(RECHECK);
            }
            reason = "InstanceDeletionCompleted";
            message = "removed all instances";
        }
        CustomResourceDefinition done = updateStatus(crd, false, reason, message, uid, true);
        if (done.getMetadata().getFinalizersCount() == 0) {
            try {
                crds.delete(null, name, Preconditions.uid(uid)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("CRD {} deleted: its custom objects are gone", name);
            } catch (Exception e) {
                if (!gone(e)) {
                    throw e;
                }
            }
        } else {
            LOG.info(
                    "CRD {}: custom objects gone, waiting for finalizers {}",
                    name,
                    done.getMetadata().getFinalizersList());
        }
        return Result.done();
    }

    /** Sets the Terminating condition (and drops the cleanup finalizer when {@code finish}). */
    private CustomResourceDefinition updateStatus(
            CustomResourceDefinition crd,
            boolean terminating,
            String reason,
            String message,
            String uid,
            boolean finish)
            throws Exception {
        Instant now = Instant.now();
        return crds.guaranteedUpdate(null, crd.getMetadata().getName(), Preconditions.uid(uid), cur -> {
                    CustomResourceDefinition next =
                            CrdStatus.withCondition(cur, "Terminating", terminating, reason, message, now);
                    if (finish) {
                        ObjectMeta.Builder m = next.getMetadata().toBuilder().clearFinalizers();
                        cur.getMetadata().getFinalizersList().stream()
                                .filter(f -> !f.equals(CrdStatus.CLEANUP_FINALIZER))
                                .forEach(m::addFinalizers);
                        next = next.toBuilder().setMetadata(m).build();
                    }
                    return next;
                })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Deletes every object of the resource as a DELETE request would (objects with finalizers are
     * only marked); returns how many are still there.
     */
    private int deleteObjects(Resource<CustomObject> r, String crd) throws Exception {
        ObjectStore<CustomObject> objects = store.of(r);
        List<CustomObject> items = objects.list(ListOptions.all())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .items();
        int deleted = 0;
        int marked = 0;
        for (CustomObject o : items) {
            ObjectMeta m = o.getMetadata();
            String ns = r.namespaced() ? m.getNamespace() : null;
            try {
                if (m.getFinalizersCount() == 0) {
                    objects.delete(ns, m.getName(), Preconditions.uid(m.getUid()))
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    deleted++;
                } else if (!m.hasDeletionTimestamp()) {
                    Timestamp now = Timestamp.newBuilder()
                            .setSeconds(Instant.now().getEpochSecond())
                            .build();
                    objects.guaranteedUpdate(
                                    ns,
                                    m.getName(),
                                    Preconditions.uid(m.getUid()),
                                    cur -> cur.getMetadata().hasDeletionTimestamp()
                                            ? cur
                                            : cur.toBuilder()
                                                    .setMetadata(cur.getMetadata().toBuilder()
                                                            .setDeletionTimestamp(now)
                                                            .setDeletionGracePeriodSeconds(0))
                                                    .build())
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    marked++;
                }
            } catch (Exception e) {
                if (!gone(e)) {
                    throw e;
                }
            }
        }
        // counted from etcd, not from the above: another replica may have done part of it, and an
        // object created meanwhile (by a replica that had not seen the CRD terminating) counts too
        int remaining = items.isEmpty()
                ? 0
                : objects.list(ListOptions.all())
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .items()
                        .size();
        if (deleted > 0 || marked > 0) {
            LOG.info(
                    "CRD {} terminating: deleted {} custom objects, marked {} with finalizers; {} remain",
                    crd,
                    deleted,
                    marked,
                    remaining);
        }
        return remaining;
    }

    /** NotFound or a uid precondition that failed: another replica (or the user) was first. */
    private static boolean gone(Exception e) {
        Throwable t = StoreException.unwrap(e);
        return t instanceof NotFoundException || t instanceof ConflictException;
    }

    @Override
    public void close() {
        queue.close();
    }
}
