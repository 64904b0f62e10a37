package io.kubelite.controllers.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.api.ResourceQuota;
import io.kubelite.api.ResourceQuotaStatus;
import io.kubelite.api.Service;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.resourcequota.QuotaResources;
import io.kubelite.kinds.core.resourcequota.QuotaStatuses;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.kinds.core.resourcequota.Usage;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's resourcequota controller: keeps every ResourceQuota's {@code status.hard} equal to its
 * spec and {@code status.used} equal to the usage of the objects present in its namespace. A
 * quota is recounted when it is created or its spec changes, when an object it may count is
 * deleted, when a pod finishes (Succeeded or Failed) or a service changes type, and every
 * {@code --resource-quota-sync-period}. Creations are not recounted: the admission charged them.
 *
 * <p>A recount reads the quota from etcd, then lists the objects from etcd, and writes the
 * status with a compare on the revision it read: a charge the admission made meanwhile fails
 * the write, and the quota is recounted again, so a recount never forgets a newer charge.
 */
public final class ResourceQuotaController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceQuotaController.class);

    private final Store store;
    private final ObjectStore<ResourceQuota> quotas;
    private final Informer<ResourceQuota> informer;
    private final WorkQueue<String> queue;
    private final Duration resync;
    private final int workers;

    public ResourceQuotaController(ControllerContext ctx) {
        this.store = ctx.store();
        this.quotas = ctx.store().of(ResourceQuotaKind.RESOURCE);
        this.informer = ctx.informers().get(ResourceQuotaKind.RESOURCE);
        this.queue = ctx.newQueue("resourcequota_primary");
        this.resync = ctx.options().resourceQuotaSyncPeriod;
        this.workers = ctx.options().concurrentResourceQuotaSyncs;
        informer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ResourceQuota q) {
                queue.add(Informer.keyOf(q.getMetadata()));
            }

            @Override
            public void onUpdate(ResourceQuota old, ResourceQuota q) {
                if (!q.getSpec().equals(old.getSpec())
                        || !q.getSpec().getHardMap().equals(q.getStatus().getHardMap())) {
                    queue.add(Informer.keyOf(q.getMetadata()));
                }
            }
        });
        ctx.informers().get(PodKind.RESOURCE).addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(Pod old, Pod p) {
                if (Usage.terminal(p) && !Usage.terminal(old)) {
                    recountNamespace(p.getMetadata().getNamespace());
                }
            }

            @Override
            public void onDelete(Pod p) {
                recountNamespace(p.getMetadata().getNamespace());
            }
        });
        ctx.informers().get(ServiceKind.RESOURCE).addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(Service old, Service s) {
                if (!old.getSpec().getType().equals(s.getSpec().getType())
                        || old.getSpec().getPortsCount() != s.getSpec().getPortsCount()) {
                    recountNamespace(s.getMetadata().getNamespace());
                }
            }

            @Override
            public void onDelete(Service s) {
                recountNamespace(s.getMetadata().getNamespace());
            }
        });
        onDelete(ctx, ConfigMapKind.RESOURCE);
        onDelete(ctx, SecretKind.RESOURCE);
        onDelete(ctx, PersistentVolumeClaimKind.RESOURCE);
    }

    private <T extends Message> void onDelete(ControllerContext ctx, Resource<T> r) {
        ctx.informers().get(r).addHandler(new ResourceEventHandler<>() {
            @Override
            public void onDelete(T obj) {
                recountNamespace(r.meta(obj).getNamespace());
            }
        });
    }

    private void recountNamespace(String ns) {
        for (ResourceQuota q : informer.byNamespace(ns)) {
            queue.add(Informer.keyOf(q.getMetadata()));
        }
    }

    @Override
    public String name() {
        return "resourcequota";
    }

    @Override
    public void start() {
        queue.start(workers, this::sync);
    }

    @Override
    public void close() {
        queue.close();
    }

    private Result sync(String key) throws Exception {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        ResourceQuota q;
        try {
            q = quotas.get(ns, name).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (Pods.isGone(e)) {
                return Result.done();
            }
            throw e;
        }
        List<QuotaStatuses.Objects> objects = new ArrayList<>();
        for (Resource<? extends Message> r :
                QuotaResources.of(q.getSpec().getHardMap().keySet())) {
            objects.add(list(r, ns));
        }
        ResourceQuotaStatus want = QuotaStatuses.compute(q, objects);
        if (want.equals(q.getStatus())) {
            return Result.requeueAfter(resync);
        }
        try {
            quotas.update(q.toBuilder().setStatus(want).build()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (StoreException.unwrap(e) instanceof ConflictException) {
                return Result.requeue(); // charged or changed meanwhile: count again
            }
            if (Pods.isGone(e)) {
                return Result.done();
            }
            throw e;
        }
        LOG.info("ResourceQuota {}: used {}", key, want.getUsedMap());
        return Result.requeueAfter(resync);
    }

    private <T extends Message> QuotaStatuses.Objects list(Resource<T> r, String ns) throws Exception {
        return new QuotaStatuses.Objects(
                r,
                store.of(r)
                        .list(ListOptions.<T>inNamespace(ns))
                        .get(30, TimeUnit.SECONDS)
                        .items());
    }
}
