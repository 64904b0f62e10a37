package io.kubelite.kubelet.pod;

import io.kubelite.api.PodSpec;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;

/**
 * A pod's spec.activeDeadlineSeconds, as the kubelet's active deadline handler enforces it:
 * counted from the pod's start time (the one a previous process recorded, after adoption), and
 * when it passes, the pod fails with reason DeadlineExceeded. Without the field nothing happens.
 * Started once; {@link #cancel} ends it, and the worker cancels it when the pod ends, is deleted
 * or is gone. Called with the pod's lock held.
 */
final class ActiveDeadline {
    static final String REASON = "DeadlineExceeded";
    static final String MESSAGE = "Pod was active on the node longer than the specified deadline";

    private final PodContext pod;
    private final Timers timers;
    private final TimeScale scale;
    private Timers.Cancellable timer = Timers.Cancellable.NONE;

    ActiveDeadline(PodContext pod, Timers timers, TimeScale scale) {
        this.pod = pod;
        this.timers = timers;
        this.scale = scale;
    }

    /** Runs {@code exceeded}, holding the pod's lock, when the deadline from {@code startTimeMillis} passes. */
    void start(long startTimeMillis, Runnable exceeded) {
        PodSpec spec = pod.pod().getSpec();
        if (!spec.hasActiveDeadlineSeconds()) {
            return;
        }
        long due = startTimeMillis + scale.millisOfSeconds(spec.getActiveDeadlineSeconds()) - timers.nowMillis();
        timer = pod.after(Math.max(0, due), exceeded);
    }

    void cancel() {
        timer.cancel();
    }
}
