package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Storage;
import io.kubelite.store.ObjectStore;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a resource request is about, resolved once (kube-apiserver's {@code RequestScope}):
 * the resource with its store and watch cache, the namespace, name and subresource from
 * the path, and the request to answer. Handlers of every verb take one.
 *
 * @param <T> the resource's message type
 */
public final class RequestScope<T extends Message> {
    private final HandlerContext ctx;
    private final Request request;
    private final PathInfo path;
    private final Resource<T> resource;
    private final Representation<T> representation;

    @SuppressWarnings("unchecked")
    RequestScope(HandlerContext ctx, Request request, PathInfo path) {
        this.ctx = ctx;
        this.request = request;
        this.path = path;
        // a second group-version of another kind's storage works on that kind's objects
        this.resource = Kinds.of(path.resource()).storage() instanceof Storage.ViewOf<?, ?> v
                ? (Resource<T>) v.stored().resource()
                : (Resource<T>) path.resource();
        this.representation = Representation.of(path.resource());
    }

    public HandlerContext ctx() {
        return ctx;
    }

    public Request request() {
        return request;
    }

    /** The stored resource: what the store, the watch cache, selectors and {@link KindRules} work on. */
    public Resource<T> resource() {
        return resource;
    }

    /** The resource the path named (differs from {@link #resource()} for a view such as {@code events.k8s.io/v1}). */
    public Resource<?> served() {
        return path.resource();
    }

    /** How objects are read and written at the served group-version. */
    public Representation<T> representation() {
        return representation;
    }

    public ObjectStore<T> store() {
        return ctx.store().of(resource);
    }

    /** The resource's watch cache; null when it has none ({@link #cached()}). */
    public WatchCache<T> cache() {
        return ctx.cache(resource);
    }

    /** Whether the resource has a watch cache; reads of one without (Events) go to etcd. */
    public boolean cached() {
        return ctx.cached(resource);
    }

    /** The namespace on the path; null for cluster-scoped resources and cluster-wide requests. */
    public String namespace() {
        return path.namespace();
    }

    /** The namespace a list, watch or deletecollection is limited to: null for all. */
    public String listNamespace() {
        return resource.namespaced() ? path.namespace() : null;
    }

    public String name() {
        return path.name();
    }

    public String subresource() {
        return path.subresource();
    }

    boolean legacyWatch() {
        return path.legacyWatch();
    }

    /** Completes {@code f} on the request's context: success to {@code ok}, failure to a Status about {@code name}. */
    public <V> void then(CompletableFuture<V> f, String name, Consumer<V> ok) {
        request.then(f, resource, name, ok);
    }

    /** Answers one object of this resource, with kind and apiVersion, at the served group-version. */
    public void sendObject(int code, T obj) {
        request.bytes(code, representation.typed(obj));
    }

    /** The request's namespace, label and field selectors as one predicate (lists and deletecollection). */
    public Predicate<T> filter() {
        Predicate<ObjectMeta> labels = Selectors.labels(request.param("labelSelector"));
        Predicate<T> fields = Selectors.fields(resource, request.param("fieldSelector"));
        String ns = listNamespace();
        return o -> {
            ObjectMeta m = resource.meta(o);
            return (ns == null || ns.equals(m.getNamespace())) && labels.test(m) && fields.test(o);
        };
    }
}
