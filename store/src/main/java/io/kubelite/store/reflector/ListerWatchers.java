package io.kubelite.store.reflector;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.Store;

/** Hands out the {@link ListerWatcher} of any resource (all namespaces) from one source. */
public interface ListerWatchers {
    <T extends Message> ListerWatcher<T> of(Resource<T> resource);

    /** Every resource from etcd, through {@code store}. */
    static ListerWatchers etcd(Store store) {
        return new ListerWatchers() {
            @Override
            public <T extends Message> ListerWatcher<T> of(Resource<T> resource) {
                return new EtcdListerWatcher<>(store.of(resource), null);
            }
        };
    }
}
