package io.kubelite.store;

/** An object with this key already exists. */
public final class AlreadyExistsException extends StoreException {
    public AlreadyExistsException(String key, String message) {
        super(key, message, null);
    }

    public AlreadyExistsException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
