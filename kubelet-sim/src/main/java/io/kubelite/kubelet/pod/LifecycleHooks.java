package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.LifecycleHandler;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.runtime.SimContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's container lifecycle hooks, where the kubelet's startContainer and killContainer
 * (pkg/kubelet/kuberuntime/kuberuntime_container.go) run them:
 *
 * <ul>
 *   <li>postStart ({@link #postStart}) runs once an instance has started; until it has finished the
 *       instance is not reported running, started or ready and is not probed. A failed hook gives a
 *       {@code FailedPostStartHook} Warning ("PostStartHook failed": the kubelet keeps the hook's
 *       output out of Events) and a kill; the next instance, if the restart policy starts one,
 *       waits with {@code PostStartHookError} and the hook's message while its own hook runs.
 *   <li>Every kill ({@link #kill}: a deletion, a failed probe, a failed postStart) runs the
 *       preStop hook first, bounded by the grace period; the container then gets SIGTERM with what
 *       is left of the grace period (whole seconds gone subtracted), at least 2 s, as the kubelet's
 *       minimum shutdown window. A failed preStop gives a {@code FailedPreStopHook} Warning and the
 *       kill goes on; one still running when the grace period ends is abandoned.
 * </ul>
 *
 * <p>Called with the pod's lock held; hook results come back through {@link PodContext#serially}.
 */
final class LifecycleHooks {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleHooks.class);

    /** kube's minimumGracePeriodInSeconds. */
    static final long MINIMUM_GRACE_SECONDS = 2;

    static final String POST_START_ERROR = "PostStartHookError";

    private final PodContext pod;
    private final HookRunner runner;
    private final Timers timers;
    private final TimeScale scale;

    LifecycleHooks(PodContext pod, Timers timers, TimeScale scale) {
        this.pod = pod;
        this.runner = new HookRunner(timers, scale);
        this.timers = timers;
        this.scale = scale;
    }

    static boolean hasPostStart(Container spec) {
        return spec.hasLifecycle() && spec.getLifecycle().hasPostStart();
    }

    static boolean hasPreStop(Container spec) {
        return spec.hasLifecycle() && spec.getLifecycle().hasPreStop();
    }

    /** The pod as the kubelet's messages name it: name_namespace(uid). */
    private String podText() {
        var m = pod.pod().getMetadata();
        return m.getName() + "_" + m.getNamespace() + "(" + m.getUid() + ")";
    }

    /**
     * Runs the postStart hook of {@code s}'s new instance {@code c}; {@code started} follows once it
     * succeeded, then {@code next} (the kubelet goes on with the pod's other containers whether the
     * hook succeeded or not); neither when {@code c} exited or is being stopped by then.
     */
    void postStart(Slot s, SimContainer c, Runnable started, Runnable next) {
        LifecycleHandler h = s.spec.getLifecycle().getPostStart();
        Timers.Cancellable[] self = new Timers.Cancellable[1];
        self[0] = runner.run(
                h,
                c,
                podText(),
                pod.podIp(),
                r -> pod.serially(() -> {
                    if (s.postStart != self[0] || s.current != c) {
                        return; // abandoned: the instance exited or is being stopped
                    }
                    s.postStart = null;
                    if (r.ok()) {
                        s.postStartError = null;
                        started.run();
                        next.run();
                        pod.changed();
                        return;
                    }
                    LOG.info("{}: postStart hook of container {} failed: {}", pod.key(), s.name(), r.message());
                    s.postStartError = r.message();
                    pod.event(s, "Warning", "FailedPostStartHook", "PostStartHook failed");
                    pod.event(s, "Normal", "Killing", "FailedPostStartHook");
                    kill(s, PodTermination.graceSeconds(pod.pod(), false));
                    next.run();
                    pod.changed();
                }));
        s.postStart = self[0];
    }

    /**
     * Stops {@code s}'s current instance as the kubelet's killContainer does: its preStop hook
     * within {@code graceSeconds}, then SIGTERM with the rest of the grace period (at least
     * {@link #MINIMUM_GRACE_SECONDS}). A postStart hook still running is abandoned. Does nothing
     * when no instance runs or it is being killed already.
     */
    void kill(Slot s, long graceSeconds) {
        SimContainer c = s.current;
        if (c == null || !c.isRunning() || s.killing == c) {
            return;
        }
        s.killing = c;
        s.cancelHook();
        if (!hasPreStop(s.spec) || graceSeconds <= 0) {
            terminate(c, graceSeconds, timers.nowMillis());
            return;
        }
        new PreStop(s, c, graceSeconds).start();
    }

    /** SIGTERM with what is left of {@code graceSeconds} since {@code since}, in whole (simulated) seconds gone, as kube counts. */
    private void terminate(SimContainer c, long graceSeconds, long since) {
        long gone = scale.unscaledMillis(timers.nowMillis() - since) / 1000;
        long left = Math.max(MINIMUM_GRACE_SECONDS, graceSeconds - gone);
        c.stop(scale.millisOfSeconds(left));
    }

    /** One preStop hook run, ended by its result or by the grace period, whichever comes first. */
    private final class PreStop {
        private final Slot s;
        private final SimContainer c;
        private final long graceSeconds;
        private final long start = timers.nowMillis();
        private Timers.Cancellable hook = Timers.Cancellable.NONE;
        private Timers.Cancellable cutoff = Timers.Cancellable.NONE;
        private boolean over;

        PreStop(Slot s, SimContainer c, long graceSeconds) {
            this.s = s;
            this.c = c;
            this.graceSeconds = graceSeconds;
        }

        void start() {
            LOG.debug("{}: running preStop hook of container {}", pod.key(), s.name());
            hook = runner.run(
                    s.spec.getLifecycle().getPreStop(),
                    c,
                    podText(),
                    pod.podIp(),
                    r -> pod.serially(() -> finished(r)));
            cutoff = pod.after(scale.millisOfSeconds(graceSeconds), this::cutOff);
        }

        private void finished(HookRunner.Result r) {
            if (over) {
                return;
            }
            over = true;
            cutoff.cancel();
            if (!r.ok() && c.isRunning()) {
                LOG.info("{}: preStop hook of container {} failed: {}", pod.key(), s.name(), r.message());
                pod.event(s, "Warning", "FailedPreStopHook", "PreStopHook failed");
            }
            terminate(c, graceSeconds, start);
        }

        private void cutOff() {
            if (over) {
                return;
            }
            over = true;
            hook.cancel();
            LOG.info(
                    "{}: preStop hook of container {} not completed in grace period ({} s)",
                    pod.key(),
                    s.name(),
                    graceSeconds);
            terminate(c, graceSeconds, start);
        }
    }
}
