package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last cached object of each {@code generateName} in a namespace: the object a new one most
 * likely repeats. A ReplicaSet's or a Job's pods are made from one template, so a new pod's spec
 * equals its sibling's, and {@link SharedSubtrees#share(Message, Message)} given the sibling as
 * the "previous" version takes the equal parts from it by one generated {@code equals} instead of
 * walking and interning them.
 *
 * <p>Bounded: the {@code capacity} most recently seen generateNames (a strong reference each,
 * to an object the cache holds anyway or held recently). Thread-safe.
 */
final class GeneratedSiblings<T extends Message> {
    private final Resource<T> resource;
    private final Map<String, T> last;

    GeneratedSiblings(Resource<T> resource, int capacity) {
        this.resource = resource;
        this.last = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The last object remembered with the same namespace and generateName as {@code o}, or null. */
    synchronized T of(T o) {
        String k = key(resource.meta(o));
        return k == null ? null : last.get(k);
    }

    /** Remembers {@code o} (the shared version) as its generateName's latest; objects without one are not kept. */
    synchronized void remember(T o) {
        String k = key(resource.meta(o));
        if (k != null) {
            last.put(k, o);
        }
    }

    private static String key(ObjectMeta m) {
        String g = m.getGenerateName();
        return g.isEmpty() ? null : m.getNamespace() + "/" + g;
    }
}
