package io.kubelite.store;

/**
 * The object changed since the caller read it (the mod_revision compare failed).
 * Carries the current object, read in the same transaction, so a retry needs no
 * extra round trip; null when the object no longer exists.
 */
public final class ConflictException extends StoreException {
    private final transient Object current;
    private final long currentRevision;

    public ConflictException(String key, String message, Object current, long currentRevision) {
        super(key, message, null);
        this.current = current;
        this.currentRevision = currentRevision;
    }

    /** The object as it is now in etcd, or null if it was deleted. */
    @SuppressWarnings("unchecked")
    public <T> T current() {
        return (T) current;
    }

    /** The current mod_revision of the key, or 0 if it no longer exists. */
    public long currentRevision() {
        return currentRevision;
    }
}
