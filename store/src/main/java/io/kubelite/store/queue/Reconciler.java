package io.kubelite.store.queue;

/**
 * Brings the world in line with the object named by one key. Level-based: it is given
 * only the key, never the event that caused it, so it must read the current state and
 * act on the whole object; a missed, repeated or coalesced event cannot leave it wrong.
 *
 * <p>A {@link WorkQueue} never calls {@code reconcile} for the same key from two threads
 * at once, but calls it for different keys concurrently, so an implementation must be
 * safe for that. It may be called again for a key at any time (repeated adds, retries),
 * so it must be idempotent.
 *
 * @param <K> the key type; see {@link WorkQueue} for the requirements on keys
 */
@FunctionalInterface
public interface Reconciler<K> {

    /**
     * Reconciles {@code key}. Throwing has the same effect as returning
     * {@link Result#requeue()}, and the queue also logs one line with the key and the
     * exception; return {@code requeue()} for expected, quiet retries (e.g. "not ready yet").
     * The thread is interrupted only when the queue gives up waiting for it at close.
     *
     * @return what to do with the key next; never {@code null}
     */
    Result reconcile(K key) throws Exception;
}
