package io.kubelite.store.reflector;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectList;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.watch.WatchListener;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * A {@link ListerWatcher} over etcd: a quorum list through the {@link ObjectStore} and a
 * gap-free {@link io.kubelite.store.watch.ResourceWatch}, for every namespace or one.
 */
public final class EtcdListerWatcher<T extends Message> implements ListerWatcher<T> {
    private final ObjectStore<T> store;
    private final String namespace;

    /** {@code namespace} null or empty: all namespaces. */
    public EtcdListerWatcher(ObjectStore<T> store, String namespace) {
        this.store = store;
        this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
    }

    @Override
    public String description() {
        return store.resource().plural() + (namespace == null ? "" : "-" + namespace);
    }

    @Override
    public Resource<T> resource() {
        return store.resource();
    }

    /** Interruptible, so that closing a reflector stops a list waiting on etcd. */
    @Override
    public ObjectList<T> list() {
        try {
            return store.list(new ListOptions<>(namespace, null, 0, 0, "")).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("list of " + description() + " interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Watch watch(long fromRevision, WatchListener<T> listener) {
        return store.watch(namespace, fromRevision, listener)::close;
    }

    @Override
    public String objectKey(String sourceKey) {
        return store.keys()
                .parse(store.resource(), sourceKey)
                .map(p -> ObjectKeys.of(p.namespace(), p.name()))
                .orElse(sourceKey);
    }
}
