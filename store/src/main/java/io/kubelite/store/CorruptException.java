package io.kubelite.store;

/** The stored value cannot be decoded. */
public class CorruptException extends StoreException {
    public CorruptException(String key, String message) {
        super(key, message, null);
    }

    public CorruptException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
