package io.kubelite.store.queue;

/**
 * Thrown by a {@link Reconciler} that finds its informer cache not yet caught up with a
 * write it depends on (e.g. a ReplicaSet whose status still counts more pods than its
 * just-lowered spec), so acting now would act on a stale picture. Expected under load:
 * the {@link WorkQueue} retries the key with back-off and logs it quietly for the first
 * few attempts, like a write conflict, and as a failure after that.
 */
public final class StaleCacheException extends RuntimeException {
    public StaleCacheException(String message) {
        super(message, null, false, false);
    }
}
