package io.kubelite.kubelet.runtime;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Something per container of one pod, by container name: a pod has one or two containers and
 * they change only when an instance starts, so this is an immutable map swapped on change
 * (about 40 bytes for one container, where a ConcurrentHashMap takes some 130). Reads never
 * lock; writes are serialised. Thread-safe.
 */
public final class ContainerMap<V> {
    private volatile Map<String, V> byName = Map.of();

    public V get(String container) {
        return byName.get(container);
    }

    /** A snapshot of the values. */
    public Collection<V> values() {
        return byName.values();
    }

    public synchronized void put(String container, V value) {
        Map<String, V> next = new HashMap<>(byName);
        next.put(container, value);
        byName = Map.copyOf(next);
    }

    /** Sets the entry to {@code f} of its current value (null if none), atomically. */
    public synchronized void compute(String container, UnaryOperator<V> f) {
        put(container, f.apply(byName.get(container)));
    }
}
