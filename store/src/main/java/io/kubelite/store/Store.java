package io.kubelite.store;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;

/**
 * Entry point to kubelite's objects in etcd: hands out a typed {@link ObjectStore}
 * per resource over one shared {@link Etcd} connection, optionally fenced.
 */
public final class Store {
    private final Etcd etcd;
    private final Fence fence;

    public Store(Etcd etcd) {
        this(etcd, Fence.NONE);
    }

    private Store(Etcd etcd, Fence fence) {
        this.etcd = etcd;
        this.fence = fence;
    }

    public Etcd etcd() {
        return etcd;
    }

    public Keys keys() {
        return new Keys(etcd.prefix());
    }

    /** The same store whose writes all carry {@code f}. */
    public Store withFence(Fence f) {
        return new Store(etcd, f);
    }

    public Fence fence() {
        return fence;
    }

    public <T extends Message> ObjectStore<T> of(Resource<T> resource) {
        return new ObjectStore<>(etcd, resource, fence);
    }
}
