package io.kubelite.apiserver.admission;

import com.google.protobuf.Message;
import io.kubelite.api.Namespace;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.StoreException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * kube's NamespaceLifecycle plugin: {@code default}, {@code kube-system} and
 * {@code kube-public} may not be deleted (403); an object is only created in a namespace that
 * exists (404) and is not terminating (403, with kube's {@code NamespaceTerminating} cause).
 * Reads the namespaces watch cache, or etcd before it has synced or when the namespace is not
 * (yet) in it, so that a namespace created a moment ago is found.
 */
public final class NamespaceLifecycle implements MutatingAdmission {
    /** kube's immortal namespaces. */
    public static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

    private final HandlerContext ctx;

    public NamespaceLifecycle(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "NamespaceLifecycle";
    }

    @Override
    public boolean handles(Attributes a) {
        if (a.resource().equals(NamespaceKind.RESOURCE)) {
            return a.operation() == Operation.DELETE && a.subresource() == null;
        }
        return a.operation() == Operation.CREATE && a.resource().namespaced();
    }

    @Override
    public CompletableFuture<Message> admit(Attributes a) {
        if (a.resource().equals(NamespaceKind.RESOURCE)) {
            if (IMMORTAL.contains(a.name())) {
                throw forbidden(a, "this namespace may not be deleted", List.of());
            }
            return CompletableFuture.completedFuture(a.object());
        }
        String ns = a.namespace();
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
                throw forbidden(
                        a,
                        "unable to create new content in namespace " + ns + " because it is being terminated",
                        List.of(new FieldError(
                                "NamespaceTerminating",
                                "namespace " + ns + " is being terminated",
                                "metadata.namespace")));
            }
            return a.object();
        });
    }

    /** kube's {@code admission.NewForbidden}: {@code <resource> "<name>" is forbidden: <why>}. */
    static ApiException forbidden(Attributes a, String why, List<FieldError> causes) {
        return new ApiException(
                403,
                "Forbidden",
                ApiException.qualified(a.resource()) + " \"" + a.name() + "\" is forbidden: " + why,
                a.name(),
                a.resource().group(),
                a.resource().plural(),
                causes,
                null);
    }
}
