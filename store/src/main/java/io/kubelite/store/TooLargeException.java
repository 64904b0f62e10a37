package io.kubelite.store;

/** The encoded object exceeds etcd's request limit; nothing was written. */
public final class TooLargeException extends StoreException {
    public TooLargeException(String key, String message) {
        super(key, message, null);
    }

    public TooLargeException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
