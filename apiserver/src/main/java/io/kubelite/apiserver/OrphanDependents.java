package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code propagationPolicy=Orphan}, done at once rather than through kube's orphan
 * finalizer: every object in the owner's namespace (or, for a cluster-scoped owner, every
 * object) that names the owner's uid in its ownerReferences loses that reference — objects of
 * the built-in kinds and of the served custom resources alike. Finds them in the watch caches
 * (a custom resource's is started here if no request has yet, and read once it has its first
 * list); writes with guaranteed updates.
 */
final class OrphanDependents {
    private final HandlerContext ctx;

    OrphanDependents(HandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Completes when no object refers to {@code owner} (an object of {@code ownerResource}) any more. */
    CompletableFuture<Void> of(Resource<?> ownerResource, ObjectMeta owner) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Resource<? extends Message> dr : ctx.kinds().stored()) {
            if (ownerResource.namespaced() && !dr.namespaced()) {
                continue; // a namespaced owner has no cluster-scoped dependents
            }
            String ns = ownerResource.namespaced() ? owner.getNamespace() : null;
            all.add(
                    dr.custom()
                            ? customCache(dr).thenCompose(synced -> in(dr, ns, owner.getUid()))
                            : in(dr, ns, owner.getUid()));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** The custom resource's watch cache once it has its first list; at once when its CRD just went. */
    private CompletableFuture<Void> customCache(Resource<? extends Message> dr) {
        try {
            return ctx.cache(dr).synced();
        } catch (ApiException gone) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private <D extends Message> CompletableFuture<Void> in(Resource<D> dr, String ownerNamespace, String ownerUid) {
        String ns = dr.namespaced() ? ownerNamespace : null;
        ObjectStore<D> ds = ctx.store().of(dr);
        if (!ctx.cached(dr)) {
            // no watch cache (Events): the candidates come from etcd
            return ds.list(new ListOptions<>(ns, null, 0, 0, "")).thenCompose(l -> orphan(dr, ds, l.items(), ownerUid));
        }
        WatchCache<D> cache;
        try {
            cache = ctx.cache(dr);
        } catch (ApiException gone) {
            return CompletableFuture.completedFuture(null); // a custom resource whose CRD just went
        }
        return orphan(
                dr,
                ds,
                cache.snapshot(ns).entries().stream()
                        .map(WatchCache.Entry::object)
                        .toList(),
                ownerUid);
    }

    private <D extends Message> CompletableFuture<Void> orphan(
            Resource<D> dr, ObjectStore<D> ds, List<D> candidates, String ownerUid) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (D d : candidates) {
            ObjectMeta dm = dr.meta(d);
            if (dm.getOwnerReferencesList().stream().noneMatch(o -> o.getUid().equals(ownerUid))) {
                continue;
            }
            all.add(ds.guaranteedUpdate(dm.getNamespace().isEmpty() ? null : dm.getNamespace(), dm.getName(), o -> {
                        ObjectMeta om = dr.meta(o);
                        ObjectMeta.Builder b = om.toBuilder().clearOwnerReferences();
                        om.getOwnerReferencesList().stream()
                                .filter(ref -> !ref.getUid().equals(ownerUid))
                                .forEach(b::addOwnerReferences);
                        return dr.withMeta(o, b.build());
                    })
                    .exceptionally(err -> {
                        if (StoreException.unwrap(err) instanceof NotFoundException) {
                            return null; // gone meanwhile: nothing to orphan
                        }
                        throw err instanceof RuntimeException re ? re : new CompletionException(err);
                    }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }
}
