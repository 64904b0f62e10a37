package io.kubelite.store.election;

/**
 * A leader elector as its owner sees it. {@link LeaderElector} is the real one; the
 * interface lets the component runtime be tested with a scripted elector.
 *
 * <p>Contract expected of an implementation: {@link #start()} begins campaigning in the
 * background and returns at once; {@link #close()} stops campaigning, steps down (calling
 * {@link LeadershipListener#onStoppedLeading()} if it was leading), revokes its lease so a
 * successor need not wait for it to expire, owns and ends its threads, and is idempotent.
 */
public interface Elector extends AutoCloseable {
    void start();

    boolean isLeader();

    @Override
    void close();
}
