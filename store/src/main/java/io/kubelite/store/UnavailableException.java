package io.kubelite.store;

/** etcd did not answer within the deadline, or is unreachable. */
public final class UnavailableException extends StoreException {
    public UnavailableException(String key, String message) {
        super(key, message, null);
    }

    public UnavailableException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
