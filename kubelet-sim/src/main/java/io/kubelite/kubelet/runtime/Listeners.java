package io.kubelite.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * Copy-on-write sets of callbacks (attach taps, log followers, exit watchers) kept in a volatile
 * {@code List} field of their owner, which starts as the shared {@code List.of()}: nearly every
 * container has none, and an object per set (or a
 * {@link java.util.concurrent.CopyOnWriteArrayList}, with its lock and array) was bytes of every
 * container. The owner iterates the field's current list, a snapshot; adds and removes, which are
 * rare, swap it atomically through the field's updater. Thread-safe.
 *
 * <p>Usage: {@code private volatile List<Runnable> watchers = List.of();} and {@code static
 * final AtomicReferenceFieldUpdater<Owner, List> WATCHERS =
 * AtomicReferenceFieldUpdater.newUpdater(Owner.class, List.class, "watchers");} (made in the owner,
 * which alone may reach its private field).
 */
final class Listeners {
    private Listeners() {}

    /** Adds {@code item} to {@code owner}'s list. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static <O, T> void add(AtomicReferenceFieldUpdater<O, List> field, O owner, T item) {
        List<T> current;
        List<T> next;
        do {
            current = field.get(owner);
            List<T> copy = new ArrayList<>(current.size() + 1);
            copy.addAll(current);
            copy.add(item);
            next = List.copyOf(copy);
        } while (!field.compareAndSet(owner, current, next));
    }

    /** Removes {@code item} from {@code owner}'s list; true when it was there. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static <O, T> boolean remove(AtomicReferenceFieldUpdater<O, List> field, O owner, T item) {
        List<T> current;
        List<T> next;
        do {
            current = field.get(owner);
            List<T> copy = new ArrayList<>(current);
            if (!copy.remove(item)) {
                return false;
            }
            next = copy.isEmpty() ? List.of() : List.copyOf(copy);
        } while (!field.compareAndSet(owner, current, next));
        return true;
    }
}
