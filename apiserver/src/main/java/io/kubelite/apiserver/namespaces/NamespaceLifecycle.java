package io.kubelite.apiserver.namespaces;

import io.kubelite.api.Namespace;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.StoreException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * kube's NamespaceLifecycle admission for creates: the namespace must exist (404) and not
 * be terminating (403). Reads the namespaces watch cache, or etcd before it has synced or
 * when the namespace is not (yet) in it.
 */
public final class NamespaceLifecycle {
    private NamespaceLifecycle() {}

    /** Completes when an object {@code name} of {@code r} may be created in {@code ns}; fails with the Status otherwise. */
    public static CompletableFuture<Void> admitCreate(HandlerContext ctx, Resource<?> r, String ns, String name) {
        WatchCache<Namespace> nsCache = ctx.cache(NamespaceKind.RESOURCE);
        WatchCache.Entry<Namespace> e = nsCache.hasSynced() ? nsCache.get(null, ns) : null;
        CompletableFuture<Namespace> f = e != null
                ? CompletableFuture.completedFuture(e.object())
                : ctx.store().of(NamespaceKind.RESOURCE).get(null, ns);
        return f.handle((n, err) -> {
            if (err != null) {
                if (StoreException.unwrap(err) instanceof NotFoundException) {
                    throw new ApiException(
                            404,
                            "NotFound",
                            "namespaces \"" + ns + "\" not found",
                            ns,
                            "",
                            "namespaces",
                            List.of(),
                            null);
                }
                throw ApiException.from(err, NamespaceKind.RESOURCE, ns);
            }
            if (n.getMetadata().hasDeletionTimestamp()
                    || "Terminating".equals(n.getStatus().getPhase())) {
                throw new ApiException(
                        403,
                        "Forbidden",
                        ApiException.qualified(r) + " \"" + name
                                + "\" is forbidden: unable to create new content in namespace " + ns
                                + " because it is being terminated",
                        name,
                        r.group(),
                        r.plural(),
                        List.of(),
                        null);
            }
            return null;
        });
    }
}
