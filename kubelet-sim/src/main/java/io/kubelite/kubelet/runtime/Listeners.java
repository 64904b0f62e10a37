package io.kubelite.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A copy-on-write set of callbacks (attach taps, log followers, exit watchers) that costs one
 * small object while empty, as it is for nearly every container: a
 * {@link java.util.concurrent.CopyOnWriteArrayList} costs a lock object and an array of its own
 * besides. Iteration sees a snapshot; adds and removes are rare. Thread-safe.
 */
final class Listeners<T> {
    private volatile List<T> items = List.of();

    synchronized void add(T item) {
        List<T> next = new ArrayList<>(items.size() + 1);
        next.addAll(items);
        next.add(item);
        items = List.copyOf(next);
    }

    /** True when {@code item} was there. */
    synchronized boolean remove(T item) {
        List<T> next = new ArrayList<>(items);
        if (!next.remove(item)) {
            return false;
        }
        items = next.isEmpty() ? List.of() : List.copyOf(next);
        return true;
    }

    synchronized void clear() {
        items = List.of();
    }

    void forEach(Consumer<? super T> action) {
        items.forEach(action);
    }
}
