package io.kubelite.kubelet.pod;

import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The eviction manager's local-storage pass for one running pod: every {@link #INTERVAL}
 * (the kubelet's housekeeping period, simulated time) it measures the pod's emptyDirs and
 * containers and, the first time {@link LocalStorageLimits} finds a limit exceeded, hands the
 * message to {@code evict}. A pod that sets no such limit gets no timer. Started and cancelled
 * with the pod's lock held.
 */
final class LocalStorageEviction {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final PodContext pod;
    private final Timers timers;
    private final TimeScale scale;
    private Timers.Cancellable timer = Timers.Cancellable.NONE;

    LocalStorageEviction(PodContext pod, Timers timers, TimeScale scale) {
        this.pod = pod;
        this.timers = timers;
        this.scale = scale;
    }

    /** Checks every interval from now until {@link #cancel}, if the pod has any local-storage limit. */
    void start(ToLongFunction<String> emptyDirBytes, ToLongFunction<String> containerBytes, Consumer<String> evict) {
        if (!LocalStorageLimits.appliesTo(pod.pod())) {
            return;
        }
        schedule(() -> LocalStorageLimits.violation(pod.pod(), emptyDirBytes, containerBytes), evict);
    }

    private void schedule(Supplier<String> check, Consumer<String> evict) {
        timer = pod.after(scale.millis(INTERVAL), () -> {
            String message = check.get();
            if (message != null) {
                evict.accept(message);
            } else {
                schedule(check, evict);
            }
        });
    }

    void cancel() {
        timer.cancel();
    }
}
