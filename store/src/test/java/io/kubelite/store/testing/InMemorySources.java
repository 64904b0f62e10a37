package io.kubelite.store.testing;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.reflector.ListerWatchers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link InMemoryListerWatcher} per resource, created on first use: an in-memory
 * stand-in for etcd behind a {@link io.kubelite.store.informer.SharedInformerFactory}.
 * Tests write through {@link #of} and the informers see it. {@link #close()} stops every
 * watch thread.
 */
public final class InMemorySources implements ListerWatchers, AutoCloseable {
    private final Map<Resource<?>, InMemoryListerWatcher<?>> sources = new LinkedHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T extends Message> InMemoryListerWatcher<T> of(Resource<T> resource) {
        return (InMemoryListerWatcher<T>) sources.computeIfAbsent(resource, r -> new InMemoryListerWatcher<>(resource));
    }

    @Override
    public void close() {
        Map<Resource<?>, InMemoryListerWatcher<?>> all;
        synchronized (this) {
            all = new LinkedHashMap<>(sources);
        }
        all.values().forEach(InMemoryListerWatcher::close);
    }
}
