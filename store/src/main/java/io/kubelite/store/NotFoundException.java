package io.kubelite.store;

/** The object does not exist. */
public final class NotFoundException extends StoreException {
    public NotFoundException(String key, String message) {
        super(key, message, null);
    }

    public NotFoundException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
