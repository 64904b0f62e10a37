package io.kubelite.kubelet.pod;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.config.DownwardApi;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.function.BooleanSupplier;

/**
 * The pod as the parts of its lifecycle see it ({@link ContainerLauncher}, {@link ProbeManager},
 * {@link PodTermination}, {@link ActiveDeadline}), implemented by its {@link PodWorker}. One
 * lock, the worker's monitor, guards everything about the pod, so that its events are serialised
 * without a thread per pod. The parts are called with the lock held and call back with it held;
 * whatever reaches them from another thread (a timer, a container's exit, a probe's verdict)
 * comes in through {@link #after}, {@link #exited}, {@link #serially} or {@link #test}, which
 * take it.
 */
interface PodContext {
    /** The latest version of the pod object. */
    Pod pod();

    /** namespace/name, for log lines. */
    String key();

    /** The pod's IP; empty until it has one. */
    String podIp();

    /** The downward API's view of the pod now (its fields, IPs, the node's allocatable). */
    DownwardApi downward();

    /** True while containers may start, restart and be probed: the pod has its IP and is neither ending nor gone. */
    boolean running();

    /** An equal message, the instance other pods hold when they hold one ({@link SharedMessages}). */
    <M extends Message> M shared(M m);

    /** Something the status shows changed: recompute it and ask for a write. */
    void changed();

    /** Records a pod Event, about container {@code s} unless it is null. */
    void event(Slot s, String type, String reason, String message);

    /** Runs {@code task} after {@code delayMillis}, holding the lock. */
    Timers.Cancellable after(long delayMillis, Runnable task);

    /** Runs {@code task} on this thread, holding the lock. */
    void serially(Runnable task);

    /** Evaluates {@code condition} on this thread, holding the lock. */
    boolean test(BooleanSupplier condition);

    /** The pod's lifecycle hooks, made on first need. */
    LifecycleHooks hooks();

    /**
     * Stops {@code s}'s current instance as the kubelet kills a container: its preStop hook, then
     * SIGTERM, within {@code graceSeconds} ({@link LifecycleHooks#kill}).
     */
    void kill(Slot s, long graceSeconds);

    /** Has the usage of instance {@code c} of {@code s}'s container simulated until it exits. */
    void trackUsage(Slot s, SimContainer c);

    /** Instance {@code c} of {@code s}'s container exited with {@code code}; takes the lock. */
    void exited(Slot s, SimContainer c, int code);
}
