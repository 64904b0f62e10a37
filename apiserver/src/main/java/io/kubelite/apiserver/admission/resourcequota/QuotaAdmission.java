package io.kubelite.apiserver.admission.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.admission.Forbidden;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.resourcequota.Amount;
import io.kubelite.kinds.core.resourcequota.QuotaRefusal;
import io.kubelite.kinds.core.resourcequota.Usage;
import io.kubelite.store.Store;
import io.kubelite.store.quota.QuotaAccountant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * kube's ResourceQuota admission plugin: before a namespaced object is created (or updated so
 * that it uses more), its usage is charged to the namespace's quotas with revision-checked
 * writes ({@link QuotaAccountant}); a quota that would be exceeded, or that tracks cpu or memory
 * a container does not state, refuses with 403 and kube's message.
 */
public final class QuotaAdmission {
    private QuotaAdmission() {}

    /** Charges the created {@code obj}; fails with the 403 when a quota refuses. */
    public static <T extends Message> CompletableFuture<Void> admitCreate(
            Store store, Resource<T> r, String ns, String name, T obj) {
        return charge(store, r, ns, name, obj, Usage.of(r, obj));
    }

    /**
     * Charges what an update adds to {@code old}'s usage (a service turned LoadBalancer, a grown
     * claim); nothing when it uses no more.
     */
    public static <T extends Message> CompletableFuture<Void> admitUpdate(
            Store store, Resource<T> r, String ns, String name, T old, T obj) {
        Map<String, Amount> before = Usage.of(r, old);
        Map<String, Amount> delta = new TreeMap<>();
        Usage.of(r, obj).forEach((k, v) -> {
            Amount grown = v.minus(before.getOrDefault(k, Amount.ZERO));
            if (grown.value().signum() > 0) {
                delta.put(k, grown);
            }
        });
        if (delta.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return charge(store, r, ns, name, obj, delta);
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
