package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.ContainerState;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.runtime.Behaviour;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One container of a pod across its instances: the current one, and what the kubelet reports in
 * its ContainerStatus. A mutable record of the pod's parts, guarded by the pod's lock (its
 * {@link PodWorker}'s monitor).
 */
final class Slot {
    final Container spec;
    final boolean init;
    final Behaviour behaviour;
    /** Makes the restart and pull back-offs, on a first restart or failed pull: most containers never need them. */
    private final Supplier<RestartBackoff> backoffs;

    private RestartBackoff backoff;
    private RestartBackoff pullBackoff;
    SimContainer current;
    ContainerState state;
    ContainerState lastState = ContainerState.getDefaultInstance();
    int restartCount;
    boolean ready;
    boolean started;
    String containerId = "";
    String imageId = "";
    int pullAttempts;
    boolean pulled;
    // sized for the one or two probes a container has, when it has any (the default held ten)
    final List<Prober> probers = new ArrayList<>(0);
    Timers.Cancellable pending = Timers.Cancellable.NONE;
    /** The current instance's postStart hook while it runs ({@link LifecycleHooks}): not yet reported running. */
    Timers.Cancellable postStart;
    /** Why the previous instance's postStart hook failed: the next instance waits with PostStartHookError meanwhile. */
    String postStartError;
    /** The instance being killed (its preStop hook or grace period running), so that a second kill does not start over. */
    SimContainer killing;

    Slot(Container spec, boolean init, Behaviour behaviour, Supplier<RestartBackoff> backoffs) {
        this.spec = spec;
        this.init = init;
        this.behaviour = behaviour;
        this.backoffs = backoffs;
    }

    /** The container's restart back-off (CrashLoopBackOff). */
    RestartBackoff backoff() {
        if (backoff == null) {
            backoff = backoffs.get();
        }
        return backoff;
    }

    /** The back-off between pulls of its image (ImagePullBackOff). */
    RestartBackoff pullBackoff() {
        if (pullBackoff == null) {
            pullBackoff = backoffs.get();
        }
        return pullBackoff;
    }

    String name() {
        return spec.getName();
    }

    boolean isRunning() {
        return state != null && state.hasRunning();
    }

    boolean isTerminated() {
        return state != null && state.hasTerminated();
    }

    boolean succeeded() {
        return isTerminated() && state.getTerminated().getExitCode() == 0;
    }

    /** The current instance {@code c} exited: its probes stop, it is neither started nor ready, its state is the exit. */
    void exited(SimContainer c, int code, TimestampPrecision precision) {
        stopProbers();
        ready = false;
        started = false;
        cancelHook();
        state = ContainerStates.terminated(
                code, c.startedAtMillis(), c.finishedAtMillis(), c.id(), TerminationMessage.of(c, code), precision);
        if (c.oomKilled()) {
            state = ContainerStates.oomKilled(state);
        }
    }

    /** Nothing more is started, pulled or probed for this container, and it is no longer ready (its pod is ending). */
    void quiesce() {
        cancelPending();
        stopProbers();
        ready = false;
    }

    void stopProbers() {
        probers.forEach(Prober::stop);
        probers.clear();
    }

    /** True while the current instance runs its postStart hook. */
    boolean inPostStart() {
        return postStart != null;
    }

    /** Abandons the current instance's postStart hook, if it runs: its verdict no longer matters. */
    void cancelHook() {
        if (postStart != null) {
            postStart.cancel();
            postStart = null;
        }
    }

    void cancelPending() {
        cancelHook();
        pending.cancel();
        pending = Timers.Cancellable.NONE;
    }

    /** This container as the pod's status reports it. */
    ContainerView view() {
        return new ContainerView(
                name(),
                spec.getImage(),
                state == null ? ContainerStates.waiting("ContainerCreating", "") : state,
                lastState,
                restartCount,
                ready,
                started,
                containerId,
                imageId);
    }
}
