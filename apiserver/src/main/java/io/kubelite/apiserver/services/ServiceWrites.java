package io.kubelite.apiserver.services;

import com.google.protobuf.Message;
import io.kubelite.api.Service;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server's writes of Services, with their addresses allocated around them (see
 * {@link ServiceAllocator} for the protocol); writes of every other resource pass straight to
 * the store. Handlers call these instead of the store's create, update and delete.
 */
public final class ServiceWrites {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceWrites.class);
    private final ServiceAllocator allocator;

    public ServiceWrites(ServiceAllocator allocator) {
        this.allocator = allocator;
    }

    public ServiceAllocator allocator() {
        return allocator;
    }

    /** {@link ObjectStore#create}, a Service's addresses taken first and freed again if the create fails. */
    @SuppressWarnings("unchecked")
    public <T extends Message> CompletableFuture<T> create(ObjectStore<T> store, T obj) {
        if (store.resource() != ServiceKind.RESOURCE) {
            return store.create(obj);
        }
        Service svc = (Service) obj;
        if (svc.getMetadata().getUid().isEmpty()) {
            // the reservations name their owner by uid, so it is chosen before the write
            svc = svc.toBuilder()
                    .setMetadata(svc.getMetadata().toBuilder()
                            .setUid(UUID.randomUUID().toString()))
                    .build();
        }
        ObjectStore<Service> services = (ObjectStore<Service>) store;
        return allocator
                .allocate(null, svc)
                .thenCompose(a -> services.create(a.service()).handle((created, err) -> {
                    if (err != null) {
                        // the answer waits for the free, so a client that retries finds the addresses free
                        return allocator.rollback(a).thenCompose(v -> CompletableFuture.<T>failedFuture(err));
                    }
                    LOG.info(
                            "service {} allocated clusterIP {} nodePorts {}",
                            key(created),
                            created.getSpec().getClusterIp(),
                            ServiceAllocator.heldPorts(created));
                    return CompletableFuture.completedFuture((T) created);
                }))
                .thenCompose(x -> x);
    }

    /**
     * {@link ObjectStore#guaranteedUpdate} for Services: {@code fn} gives the next object from
     * the current one, its new addresses are taken, then it is written with a compare on the
     * revision it came from; on a conflict what was taken is freed and all starts again from
     * the current object, on success what the old object alone held is freed.
     */
    @SuppressWarnings("unchecked")
    public <T extends Message> CompletableFuture<T> update(
            ObjectStore<T> store, String namespace, String name, Preconditions pre, UnaryOperator<T> fn) {
        if (store.resource() != ServiceKind.RESOURCE) {
            return store.guaranteedUpdate(namespace, name, pre, fn);
        }
        ObjectStore<Service> services = (ObjectStore<Service>) store;
        UnaryOperator<Service> f = (UnaryOperator<Service>) (UnaryOperator<?>) fn;
        return services.get(namespace, name)
                .thenCompose(cur -> attempt(services, cur, pre, f, 1))
                .thenApply(s -> (T) s);
    }

    private CompletableFuture<Service> attempt(
            ObjectStore<Service> services, Service cur, Preconditions pre, UnaryOperator<Service> fn, int n) {
        var cm = cur.getMetadata();
        String key = services.key(cm.getNamespace(), cm.getName());
        long rev = Long.parseLong(cm.getResourceVersion());
        if (!pre.uid().isEmpty() && !pre.uid().equals(cm.getUid())) {
            return CompletableFuture.failedFuture(ConflictException.uidMismatch(key, pre.uid(), cm.getUid(), rev));
        }
        if (!pre.resourceVersion().isEmpty() && !pre.resourceVersion().equals(cm.getResourceVersion())) {
            return CompletableFuture.failedFuture(new ConflictException(
                    key,
                    "Operation cannot be fulfilled on services \"" + cm.getName()
                            + "\": the object has been modified; please apply your changes to the latest version and"
                            + " try again",
                    null,
                    rev));
        }
        Service next = fn.apply(cur);
        if (next.equals(cur)) {
            return CompletableFuture.completedFuture(cur);
        }
        Service pinned = next.toBuilder()
                .setMetadata(next.getMetadata().toBuilder()
                        .setUid(cm.getUid())
                        .setCreationTimestamp(cm.getCreationTimestamp())
                        .setResourceVersion(cm.getResourceVersion()))
                .build();
        return allocator
                .allocate(cur, pinned)
                .thenCompose(a -> services.update(a.service())
                        .handle((written, err) -> {
                            if (err == null) {
                                allocator.commit(a);
                                return CompletableFuture.completedFuture(written);
                            }
                            return allocator.rollback(a).thenCompose(v -> {
                                if (StoreException.unwrap(err) instanceof ConflictException ce
                                        && ce.current() != null) {
                                    return attempt(services, (Service) ce.current(), pre, fn, n + 1);
                                }
                                return CompletableFuture.<Service>failedFuture(err);
                            });
                        })
                        .thenCompose(x -> x));
    }

    /** Frees a deleted object's addresses when it is a Service (in the background; repair catches a miss). */
    public void deleted(Object last) {
        if (last instanceof Service s) {
            allocator.released(s).thenRun(() -> LOG.info("service {} released its addresses", key(s)));
        }
    }

    private static String key(Service s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }
}
