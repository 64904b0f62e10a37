package io.kubelite.apiserver.admission.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.api.ResourceQuota;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.Forbidden;
import io.kubelite.apiserver.admission.Operation;
import io.kubelite.apiserver.admission.ValidatingAdmission;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.resourcequota.Amount;
import io.kubelite.kinds.core.resourcequota.QuotaRefusal;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.kinds.core.resourcequota.Usage;
import io.kubelite.store.Store;
import io.kubelite.store.quota.QuotaAccountant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * kube's ResourceQuota admission plugin: before a namespaced object is created, its usage is charged to the namespace's quotas with revision-checked
 * writes ({@link QuotaAccountant}); a quota that would be exceeded, or that tracks cpu or memory
 * a container does not state, refuses with 403 and kube's message.
 */
public final class QuotaAdmission implements ValidatingAdmission {
    private final HandlerContext ctx;

    public QuotaAdmission(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "ResourceQuota";
    }

    /** Creates of namespaced objects, not dry runs: a dry run charges nothing. */
    @Override
    public boolean handles(Attributes a) {
        return a.operation() == Operation.CREATE
                && a.subresource() == null
                && !a.namespace().isEmpty()
                && !a.dryRun();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<Void> validate(Attributes a) {
        return admitCreate(ctx, (Resource) a.resource(), a.namespace(), a.objectName(), a.object());
    }

    /**
     * Charges the created {@code obj}; fails with the 403 when a quota refuses. A namespace
     * whose quotas the watch cache shows none of costs no etcd read (kube's quota admission
     * reads its informer alike: a quota created a moment ago may not limit yet).
     */
    public static <T extends Message> CompletableFuture<Void> admitCreate(
            HandlerContext ctx, Resource<T> r, String ns, String name, T obj) {
        WatchCache<ResourceQuota> cache = ctx.cache(ResourceQuotaKind.RESOURCE);
        if (!r.namespaced()
                || (cache.hasSynced() && cache.snapshot(ns).entries().isEmpty())) {
            return CompletableFuture.completedFuture(null);
        }
        return charge(ctx.store(), r, ns, name, obj, Usage.of(r, obj));
    }

    private static <T extends Message> CompletableFuture<Void> charge(
            Store store, Resource<T> r, String ns, String name, T obj, Map<String, Amount> delta) {
        if (!r.namespaced()) {
            return CompletableFuture.completedFuture(null);
        }
        return new QuotaAccountant(store).charge(ns, r, obj, delta).exceptionallyCompose(err -> {
            Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (c instanceof QuotaRefusal refusal) {
                return CompletableFuture.failedFuture(Forbidden.of(r, name, List.of(refusal.getMessage())));
            }
            return CompletableFuture.failedFuture(ApiException.from(c, r, name));
        });
    }
}
