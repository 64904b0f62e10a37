package io.kubelite.kubelet.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Something per container of one pod, by container name. A pod has one or two containers and
 * they change only when an instance starts, so the first container's entry is two fields of this
 * object and any others an immutable map swapped on change: 24 bytes for the usual pod of one
 * container (an immutable map beside it took 32 more, a ConcurrentHashMap some 130). Reads never
 * lock; writes are serialised. Thread-safe.
 */
public final class ContainerMap<V> {
    // written under the lock, read without it: firstName is set once, after firstValue, so a
    // reader that sees the name sees a value for it (this one or a later one)
    private volatile V firstValue;
    private volatile String firstName;
    /** The entries of the containers after the first; the shared empty map for most pods. */
    private volatile Map<String, V> others = Map.of();

    public V get(String container) {
        String first = firstName;
        if (first != null && first.equals(container)) {
            return firstValue;
        }
        return others.get(container);
    }

    /** A snapshot of the values. */
    public Collection<V> values() {
        String first = firstName;
        Map<String, V> rest = others;
        if (first == null) {
            return rest.values();
        }
        List<V> all = new ArrayList<>(rest.size() + 1);
        all.add(firstValue);
        all.addAll(rest.values());
        return all;
    }

    public synchronized void put(String container, V value) {
        if (firstName == null) {
            firstValue = value;
            firstName = container;
        } else if (firstName.equals(container)) {
            firstValue = value;
        } else {
            Map<String, V> next = new HashMap<>(others);
            next.put(container, value);
            others = Map.copyOf(next);
        }
    }

    /** Sets the entry to {@code f} of its current value (null if none), atomically. */
    public synchronized void compute(String container, UnaryOperator<V> f) {
        put(container, f.apply(get(container)));
    }
}
