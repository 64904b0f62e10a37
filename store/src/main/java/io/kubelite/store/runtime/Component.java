package io.kubelite.store.runtime;

import io.kubelite.store.election.Leadership;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;

/**
 * What a kubelite process (scheduler, controller-manager, kubelet-sim, apiserver)
 * implements; {@link ComponentMain} drives it.
 *
 * <p>Order of calls, all from ComponentMain:
 * <ol>
 *   <li>{@link #start} once, after etcd answered: start informers, register readiness
 *       checks and meters. Must not act on cluster state yet if the component is
 *       leader-elected. Throwing aborts startup (exit code 1).</li>
 *   <li>{@link #onStartedLeading} / {@link #onStoppedLeading}, alternating, on the
 *       elector's thread. Without {@code --leader-elect}, {@code onStartedLeading} is
 *       called exactly once right after {@code start} with {@link Leadership#UNELECTED},
 *       so "act" code lives in one place. These hooks must return promptly: start your
 *       work on your own threads.</li>
 *   <li>{@link #close} once on shutdown, before the elector steps down and while etcd is
 *       still connected (so a final write is possible). No hook is called after close.</li>
 * </ol>
 * {@code close} must be idempotent and must end every thread the component started.
 * An exception thrown by a hook is treated as fatal: the process shuts down with exit
 * code 1 rather than lead in an unknown state.
 */
public interface Component extends AutoCloseable {
    void start(ComponentContext ctx) throws Exception;

    /** Begin acting; every write during this term must carry {@code term.fence()}. */
    default void onStartedLeading(Leadership term) {}

    /** Stop acting now. */
    default void onStoppedLeading() {}

    /**
     * Labels and named ports for this process's mirror pod, read once right after a
     * successful {@link #start} (so ports bound there, e.g. with port 0, are known).
     *
     * @param healthPort the port the process's health server bound ({@code /readyz},
     *                   {@code /metrics}, {@code /logs})
     */
    default MirrorPodDecoration mirrorPodDecoration(int healthPort) {
        return MirrorPodDecoration.NONE;
    }

    @Override
    void close();
}
