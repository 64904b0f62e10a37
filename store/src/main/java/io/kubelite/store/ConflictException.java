package io.kubelite.store;

/**
 * The object changed since the caller read it (the mod_revision compare failed).
 * Carries the current object, read in the same transaction, so a retry needs no
 * extra round trip; null when the object no longer exists.
 */
public final class ConflictException extends StoreException {
    private final transient Object current;
    private final long currentRevision;
    private final boolean uidMismatch;

    public ConflictException(String key, String message, Object current, long currentRevision) {
        this(key, message, current, currentRevision, false);
    }

    private ConflictException(String key, String message, Object current, long currentRevision, boolean uidMismatch) {
        super(key, message, null);
        this.current = current;
        this.currentRevision = currentRevision;
        this.uidMismatch = uidMismatch;
    }

    /**
     * A uid precondition failed: the key now holds a different object (a successor with the
     * same name), so the one the caller meant is gone.
     */
    public static ConflictException uidMismatch(
            String key, String preconditionUid, String actualUid, long currentRevision) {
        return new ConflictException(
                key,
                "Precondition failed: UID in precondition: " + preconditionUid + ", UID in object meta: " + actualUid,
                null,
                currentRevision,
                true);
    }

    /** True when a uid precondition failed (see {@link #uidMismatch}). */
    public boolean isUidMismatch() {
        return uidMismatch;
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
