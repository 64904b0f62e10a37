package io.kubelite.store.runtime;

/**
 * What an {@link Elector} tells its owner. Mirrors
 * {@code io.kubelite.store.election.LeadershipListener}, with {@link LeaderTerm} for
 * {@code Leadership}.
 *
 * <p>Called on the elector's own thread, start and stop strictly alternating, starting
 * with a start. Implementations must return promptly: the elector cannot renew its lease
 * while a hook runs.
 */
public interface LeadershipHooks {
    /** This process won; act with {@code term.fence()} on every write. */
    void onStartedLeading(LeaderTerm term);

    /** This process lost or gave up leadership; stop acting now (writes would be fenced out anyway). */
    void onStoppedLeading();
}
