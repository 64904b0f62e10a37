package io.kubelite.store;

/** The requested revision has been compacted; relist. */
public final class ExpiredException extends StoreException {
    public ExpiredException(String key, String message) {
        super(key, message, null);
    }

    public ExpiredException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
