package io.kubelite.store.election;

/**
 * Told when this process starts and stops leading an election.
 *
 * <p>Both methods run on one thread owned by the {@link LeaderElector}, never on a gRPC
 * or Vert.x event-loop thread, and strictly alternate: start, stop, start, stop...
 * They may block for a while (e.g. to drain work in {@code onStoppedLeading}); while a
 * callback runs, later callbacks wait, but the election itself (keep-alives, deadlines)
 * keeps running on another thread.
 *
 * <p>Being told is not the safety: a stop notice can arrive late (a GC pause, a busy
 * callback thread). Every write a leader makes must carry {@link Leadership#fence()}.
 */
public interface LeadershipListener {
    /** This process now leads; {@code leadership} holds the fencing token for its writes. */
    void onStartedLeading(Leadership leadership);

    /** This process no longer leads (lost, stepped down, or closed). Stop acting as leader. */
    void onStoppedLeading();
}
