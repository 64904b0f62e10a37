package io.kubelite.store.runtime;

/**
 * The runtime's view of a leader elector: the seam between {@link ComponentMain} and
 * {@code io.kubelite.store.election.LeaderElector}, which has exactly these methods.
 *
 * <p>Contract expected of an implementation: {@link #start()} begins campaigning in the
 * background and returns at once; {@link #close()} stops campaigning, steps down (calling
 * {@link LeadershipHooks#onStoppedLeading()} if it was leading), revokes its lease so a
 * successor need not wait for it to expire, owns and ends its threads, and is idempotent.
 */
public interface Elector extends AutoCloseable {
    void start();

    boolean isLeader();

    @Override
    void close();
}
