package io.kubelite.apiserver.admission.limitranger;

import com.google.protobuf.Message;
import io.kubelite.api.LimitRange;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.KindRules;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.Forbidden;
import io.kubelite.apiserver.admission.MutatingAdmission;
import io.kubelite.apiserver.admission.Operation;
import io.kubelite.apiserver.admission.ValidatingAdmission;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.limitrange.LimitRangeKind;
import io.kubelite.kinds.core.limitrange.LimitRanges;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * kube's LimitRanger admission plugin for creates: a pod gets the namespace's LimitRanges'
 * default requests and limits where its containers state none ({@link #mutate}), then pods and
 * claims must fit the ranges' min, max and maxLimitRequestRatio ({@link #validate}), else 403
 * with kube's message. Reads the LimitRanges from the API server's watch cache once it has synced.
 */
public final class LimitRanger implements MutatingAdmission, ValidatingAdmission {
    private final HandlerContext ctx;

    public LimitRanger(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "LimitRanger";
    }

    /** Creates of namespaced objects (kubelite's LimitRanger does not look at updates yet). */
    @Override
    public boolean handles(Attributes a) {
        return a.operation() == Operation.CREATE
                && a.subresource() == null
                && !a.namespace().isEmpty();
    }

    /** The namespace's defaults; a defaulted request or limit changes what validation and the QoS class see: prepared again. */
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<Message> admit(Attributes a) {
        Message obj = a.object();
        return mutate(ctx, a.namespace(), obj)
                .thenApply(o -> o == obj ? o : KindRules.prepareForCreate((Resource) a.resource(), o, a.namespace()));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<Void> validate(Attributes a) {
        return validate(ctx, (Resource) a.resource(), a.namespace(), a.objectName(), a.object());
    }

    /** {@code obj} with the defaults of {@code ns}'s LimitRanges applied (pods only). */
    @SuppressWarnings("unchecked")
    public static <T extends Message> CompletableFuture<T> mutate(HandlerContext ctx, String ns, T obj) {
        if (!(obj instanceof Pod pod)) {
            return CompletableFuture.completedFuture(obj);
        }
        return ranges(ctx, ns).thenApply(rs -> (T) LimitRanges.defaults(pod, rs));
    }

    /** Completes when {@code obj} fits {@code ns}'s LimitRanges; fails with a 403 otherwise. */
    public static <T extends Message> CompletableFuture<Void> validate(
            HandlerContext ctx, Resource<T> r, String ns, String name, T obj) {
        if (!(obj instanceof Pod) && !(obj instanceof PersistentVolumeClaim)) {
            return CompletableFuture.completedFuture(null);
        }
        return ranges(ctx, ns).thenAccept(rs -> {
            List<String> errs = obj instanceof Pod p
                    ? LimitRanges.violations(p, rs)
                    : LimitRanges.violations((PersistentVolumeClaim) obj, rs);
            if (!errs.isEmpty()) {
                throw Forbidden.of(r, name, errs);
            }
        });
    }

    private static CompletableFuture<List<LimitRange>> ranges(HandlerContext ctx, String ns) {
        WatchCache<LimitRange> cache = ctx.cache(LimitRangeKind.RESOURCE);
        return cache.synced()
                .thenApply(v -> cache.snapshot(ns).entries().stream()
                        .map(WatchCache.Entry::object)
                        .sorted(java.util.Comparator.comparing(
                                l -> l.getMetadata().getName()))
                        .toList());
    }
}
