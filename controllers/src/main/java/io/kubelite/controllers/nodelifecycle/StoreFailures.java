package io.kubelite.controllers.nodelifecycle;

import io.kubelite.store.StoreException;

/** Failed store calls as one short log line. */
final class StoreFailures {
    private StoreFailures() {}

    /**
     * The store's own message when {@code t} wraps a {@link StoreException}, else the
     * innermost cause: futures wrap failures in layers that say nothing to an operator.
     */
    static String message(Throwable t) {
        StoreException se = StoreException.unwrap(t);
        if (se != null) {
            return se.getMessage();
        }
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.toString();
    }
}
