package io.kubelite.store.watch;

/**
 * One change to one object, at {@code revision} (the etcd revision of the change).
 * For {@link Type#DELETED} the object is its last state before the delete (null if
 * etcd no longer had it, or the listener asked for no previous states:
 * {@link WatchListener#wantsPrevious()}); {@code previous} is the state before a MODIFIED,
 * when known and asked for.
 */
public record WatchEvent<T>(Type type, String key, T object, T previous, long revision) {
    public enum Type {
        ADDED,
        MODIFIED,
        DELETED
    }
}
