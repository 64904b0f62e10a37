package io.kubelite.store;

/**
 * Base of every error the store reports. Subclasses are the only failure modes a
 * caller has to handle; a jetcd or gRPC exception never escapes the store.
 */
public abstract class StoreException extends RuntimeException {
    private final String key;

    protected StoreException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The etcd key the failure concerns, or null when it concerns no single key. */
    public String key() {
        return key;
    }

    /** Unwraps CompletionException/ExecutionException layers to the StoreException, if any. */
    public static StoreException unwrap(Throwable t) {
        Throwable c = t;
        while (c != null) {
            if (c instanceof StoreException se) {
                return se;
            }
            c = c.getCause();
        }
        return null;
    }
}
