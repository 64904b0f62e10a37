package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.Probe;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.runtime.SimContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes of a pod's app containers, as the kubelet's prober manager runs them: every
 * instance gets one {@link Prober} per probe in its container's spec, and their verdicts become
 * the container's started and ready flags, or its restart: a failed startup or liveness probe
 * kills the instance (within the probe's terminationGracePeriodSeconds, else the pod's), and the
 * restart policy takes it from there. A verdict about an instance that is no longer the current
 * one, or one that arrives while the pod does not run, changes nothing. An instance's probers stop
 * with it ({@link Slot#stopProbers}), which whoever ends the instance does.
 */
final class ProbeManager {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeManager.class);

    private final PodContext pod;
    private final Timers timers;
    private final TimeScale scale;

    ProbeManager(PodContext pod, Timers timers, TimeScale scale) {
        this.pod = pod;
        this.timers = timers;
        this.scale = scale;
    }

    /** True when {@code spec} has a startup, liveness or readiness probe. */
    static boolean probes(Container spec) {
        return spec.hasStartupProbe() || spec.hasLivenessProbe() || spec.hasReadinessProbe();
    }

    /**
     * Starts probing instance {@code c} of {@code s}'s container. A resumed instance (a previous
     * process started it) keeps its started and ready flags as that process reported them, and
     * its first probes are spread over one period, so that a restarted process with many pods
     * does not probe them all at once.
     */
    void start(Slot s, SimContainer c, boolean resume) {
        Container spec = s.spec;
        if (spec.hasStartupProbe() && !s.started) {
            add(s, c, ProbeRole.STARTUP, spec.getStartupProbe(), null, resume);
        }
        if (spec.hasLivenessProbe()) {
            add(s, c, ProbeRole.LIVENESS, spec.getLivenessProbe(), true, resume);
        }
        if (spec.hasReadinessProbe()) {
            add(s, c, ProbeRole.READINESS, spec.getReadinessProbe(), resume ? s.ready : false, resume);
        }
    }

    private void add(Slot s, SimContainer c, ProbeRole role, Probe probe, Boolean initial, boolean jitter) {
        Prober p = new Prober(
                role,
                probe,
                c,
                pod.podIp(),
                timers,
                scale,
                () -> pod.test(() -> s.current == c && s.started),
                initial,
                (pr, ok, msg) -> pod.serially(() -> onResult(s, pr, ok, msg)));
        s.probers.add(p);
        p.start(jitter);
    }

    private void onResult(Slot s, Prober p, boolean ok, String msg) {
        if (s.current != p.container() || !pod.running()) {
            return;
        }
        switch (p.role()) {
            case STARTUP -> {
                if (ok) {
                    s.started = true;
                    s.ready = !s.spec.hasReadinessProbe();
                } else {
                    restartAfterFailedProbe(s, "startup", s.spec.getStartupProbe(), msg);
                }
            }
            case LIVENESS -> {
                if (!ok) {
                    restartAfterFailedProbe(s, "liveness", s.spec.getLivenessProbe(), msg);
                }
            }
            case READINESS -> {
                if (!ok) {
                    LOG.debug("{}: Readiness probe failed: {}", pod.key(), msg);
                    pod.event(s, "Warning", "Unhealthy", "Readiness probe failed: " + msg);
                }
                s.ready = ok && s.started && s.isRunning();
            }
            default -> throw new IllegalStateException();
        }
        pod.changed();
    }

    /** A failed startup or liveness probe: the kubelet's log line and Events, then the kill. */
    private void restartAfterFailedProbe(Slot s, String role, Probe probe, String msg) {
        LOG.info("{}: container {} failed {} probe, will be restarted: {}", pod.key(), s.name(), role, msg);
        pod.event(
                s,
                "Warning",
                "Unhealthy",
                Character.toUpperCase(role.charAt(0)) + role.substring(1) + " probe failed: " + msg);
        pod.event(s, "Normal", "Killing", "Container " + s.name() + " failed " + role + " probe, will be restarted");
        long grace = probe.hasTerminationGracePeriodSeconds()
                ? probe.getTerminationGracePeriodSeconds()
                : PodTermination.graceSeconds(pod.pod(), false);
        pod.kill(s, grace);
    }
}
