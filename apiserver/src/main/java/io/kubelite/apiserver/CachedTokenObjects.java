package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.apiserver.authentication.ServiceAccountTokenAuthenticator;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import java.util.Map;
import java.util.Optional;

/**
 * The objects service-account tokens name, read from the API server's watch caches: what
 * {@link ServiceAccountTokenAuthenticator} checks on every request without a trip to etcd.
 */
final class CachedTokenObjects implements ServiceAccountTokenAuthenticator.LiveObjects {
    private final Map<Resource<?>, WatchCache<?>> caches;

    CachedTokenObjects(Map<Resource<?>, WatchCache<?>> caches) {
        this.caches = caches;
    }

    @Override
    public Optional<ObjectMeta> serviceAccount(String namespace, String name) {
        return get(ServiceAccountKind.RESOURCE, namespace, name).map(sa -> sa.getMetadata());
    }

    @Override
    public Optional<ObjectMeta> pod(String namespace, String name) {
        return get(PodKind.RESOURCE, namespace, name).map(p -> p.getMetadata());
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return get(SecretKind.RESOURCE, namespace, name);
    }

    @Override
    public Optional<ObjectMeta> node(String name) {
        return get(NodeKind.RESOURCE, null, name).map(n -> n.getMetadata());
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> Optional<T> get(Resource<T> r, String namespace, String name) {
        WatchCache<T> c = (WatchCache<T>) caches.get(r);
        WatchCache.Entry<T> e = c == null ? null : c.get(namespace, name);
        return e == null ? Optional.empty() : Optional.of(e.object());
    }
}
