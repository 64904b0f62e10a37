package io.kubelite.store.informer;

/**
 * Notified of changes in an informer's cache. Each handler has its own delivery
 * thread: a slow handler delays only itself. Calls for one object come in order;
 * consecutive updates of one object that pile up while the handler is busy are merged
 * (the handler sees the oldest old and the newest new state), nothing else is dropped.
 */
public interface ResourceEventHandler<T> {
    default void onAdd(T obj) {}

    default void onUpdate(T oldObj, T newObj) {}

    default void onDelete(T obj) {}

    /**
     * A handler that calls {@code fn} with the current state on every add, update and
     * delete (the last state, for a delete): for controllers that only enqueue a key.
     */
    static <T> ResourceEventHandler<T> onAnyChange(java.util.function.Consumer<T> fn) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                fn.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                fn.accept(newObj);
            }

            @Override
            public void onDelete(T obj) {
                fn.accept(obj);
            }
        };
    }
}
