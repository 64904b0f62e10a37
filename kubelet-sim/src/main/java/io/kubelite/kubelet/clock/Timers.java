package io.kubelite.kubelet.clock;

/**
 * The one source of time and deferred work for everything the simulator does: every
 * sleep, probe period, back-off and heartbeat is a task on a shared scheduler, never a
 * thread of its own, so a process can simulate tens of thousands of containers.
 * Delays given here are real milliseconds (already shrunk by {@link TimeScale}).
 */
public interface Timers {
    /** Runs {@code task} once after {@code delayMillis}; the handle cancels it if it has not started. */
    Cancellable after(long delayMillis, Runnable task);

    /** Runs {@code task} soon on a scheduler thread. */
    void execute(Runnable task);

    /** Wall-clock now, in epoch milliseconds. */
    long nowMillis();

    /** A pending task. */
    interface Cancellable {
        Cancellable NONE = () -> {};

        void cancel();
    }
}
