package io.kubelite.store;

/**
 * A fenced write was rejected because the writer no longer holds the leadership its
 * fencing token was issued for. Nothing was written; the writer must stop acting.
 */
public final class FencedOutException extends StoreException {
    public FencedOutException(String key, String message) {
        super(key, message, null);
    }
}
