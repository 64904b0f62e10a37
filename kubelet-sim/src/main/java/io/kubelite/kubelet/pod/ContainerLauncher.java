package io.kubelite.kubelet.pod;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Container;
import io.kubelite.api.EnvVar;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.config.ConfigObjects;
import io.kubelite.kubelet.config.ContainerConfigException;
import io.kubelite.kubelet.config.ContainerEnvironment;
import io.kubelite.kubelet.config.EffectiveSecurityContext;
import io.kubelite.kubelet.logging.LogSource;
import io.kubelite.kubelet.network.NodeNetworking;
import io.kubelite.kubelet.network.ResolvConf;
import io.kubelite.kubelet.runtime.Behaviour;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.runtime.SimContainer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a pod's containers and starts them again, as the kubelet's pod sync does: the init
 * containers one at a time in order, then every app container; each image pulled before the
 * container's first start (Pulling/Pulled, or ErrImagePull then ImagePullBackOff and another try
 * after a back-off); an exited container started again when the restart policy says so, at once
 * after its first exit and after a doubling back-off (CrashLoopBackOff meanwhile) after later
 * ones. A new app container instance is probed from its start ({@link ProbeManager}).
 *
 * <p>Nothing starts unless the pod runs ({@link PodContext#running}): a pull or back-off that
 * ends after the pod stopped running does nothing. Called with the pod's lock held; its timers
 * take it ({@link PodContext#after}).
 */
final class ContainerLauncher {
    static final String CONFIG_ERROR = "CreateContainerConfigError";
    /** How soon a container in CreateContainerConfigError is tried again: the kubelet's pod-worker back-off. */
    static final Duration CONFIG_RETRY = Duration.ofSeconds(10);

    private final PodContext pod;
    private final PodContainers containers;
    private final ContainerRuntime runtime;
    private final ContainerRuntime.PodRef ref;
    /** Null until an app container with a probe starts: half the pods or more have none (memory per pod). */
    private ProbeManager probes;
    /** What containers' environments are made of. */
    private final ConfigObjects config;

    private final PodVolumes volumes;
    private final NodeNetworking networking;
    /** The pod's resolv.conf, made once as the kubelet makes it once per sandbox; null until the first container. */
    private ResolvConf dns;
    /** The first app container not started yet because the one before it runs its postStart hook; -1 for none. */
    private int heldBack = -1;

    ContainerLauncher(
            PodContext pod,
            PodContainers containers,
            ContainerRuntime runtime,
            ContainerRuntime.PodRef ref,
            ConfigObjects config,
            PodVolumes volumes,
            NodeNetworking networking) {
        this.networking = networking;
        this.config = config;
        this.volumes = volumes;
        this.pod = pod;
        this.containers = containers;
        this.runtime = runtime;
        this.ref = ref;
    }

    private Timers timers() {
        return runtime.timers();
    }

    private TimeScale scale() {
        return runtime.scale();
    }

    private TimestampPrecision precision() {
        return TimestampPrecision.of(runtime.scale());
    }

    /**
     * Starts what comes next: the first init container that has not succeeded, else every app
     * container not started yet, in order; as the kubelet's pod sync waits for a container's
     * postStart hook before it starts the next, so does this ({@link #resumeHeldBack} goes on).
     */
    void startNext() {
        for (Slot s : containers.init()) {
            if (!s.succeeded()) {
                if (!s.isRunning() && (s.current == null || !s.current.isRunning())) {
                    start(s);
                }
                return;
            }
        }
        startApps(0);
    }

    private void startApps(int from) {
        heldBack = -1;
        List<Slot> apps = containers.app();
        for (int i = from; i < apps.size(); i++) {
            Slot s = apps.get(i);
            if (s.state == null || (!s.isRunning() && !s.isTerminated() && s.current == null)) {
                start(s);
            }
            if (s.inPostStart()) {
                heldBack = i + 1 < apps.size() ? i + 1 : -1;
                return;
            }
        }
    }

    /**
     * Starts the app containers a postStart hook held back, now that it ended (or its container
     * did); only those, so that a container waiting out a back-off is not started early.
     */
    void resumeHeldBack() {
        if (heldBack >= 0 && !containers.app().get(heldBack - 1).inPostStart()) {
            startApps(heldBack);
        }
    }

    /** Starts a new instance of {@code s}'s container, pulling its image first unless that was done. */
    void start(Slot s) {
        if (!pod.running()) {
            return;
        }
        if (s.pulled) {
            run(s, null, 0);
            return;
        }
        s.pullAttempts++;
        Behaviour b = s.behaviour;
        boolean fail = b.imagePullFailures() == Behaviour.ALWAYS || s.pullAttempts <= b.imagePullFailures();
        long pull = scale().millis(b.imagePullTime());
        if (pull <= 0 && !fail) {
            pod.event(
                    s, "Normal", "Pulled", "Container image \"" + s.spec.getImage() + "\" already present on machine");
            pulled(s);
            return;
        }
        pod.event(s, "Normal", "Pulling", "Pulling image \"" + s.spec.getImage() + "\"");
        s.cancelPending();
        s.pending = pod.after(pull, () -> pullDone(s, fail));
    }

    private void pullDone(Slot s, boolean fail) {
        if (!pod.running()) {
            return;
        }
        if (!fail) {
            String took = GoDuration.format(s.behaviour.imagePullTime().toMillis());
            pod.event(
                    s,
                    "Normal",
                    "Pulled",
                    "Successfully pulled image \"" + s.spec.getImage() + "\" in " + took + " (" + took
                            + " including waiting)");
            pulled(s);
            pod.changed();
            return;
        }
        s.state = ContainerStates.errImagePull(s.spec.getImage());
        pod.event(
                s,
                "Warning",
                "Failed",
                "Failed to pull image \"" + s.spec.getImage() + "\": "
                        + s.state.getWaiting().getMessage());
        pod.event(s, "Warning", "Failed", "Error: ErrImagePull");
        s.pullBackoff().next(timers().nowMillis());
        long wait = s.pullBackoff().current();
        // ErrImagePull shows for a moment before the back-off does, as a real node's status does
        long showBackoff = Math.min(wait / 2, scale().millis(Duration.ofSeconds(1)));
        s.pending = pod.after(showBackoff, () -> {
            if (pod.running()
                    && s.state.hasWaiting()
                    && s.state.getWaiting().getReason().equals("ErrImagePull")) {
                s.state = ContainerStates.imagePullBackOff(s.spec.getImage());
                pod.event(s, "Normal", "BackOff", "Back-off pulling image \"" + s.spec.getImage() + "\"");
                pod.event(s, "Warning", "Failed", "Error: ImagePullBackOff");
                s.pending = pod.after(wait - showBackoff, () -> retryPull(s));
                pod.changed();
            }
        });
        pod.changed();
    }

    private void retryPull(Slot s) {
        if (pod.running() && !s.pulled) {
            start(s);
            pod.changed();
        }
    }

    private void pulled(Slot s) {
        s.pulled = true;
        s.imageId = ContainerRuntime.imageId(s.spec.getImage());
        run(s, null, 0);
    }

    /**
     * Goes on with the instance of {@code s}'s container that a previous process started and
     * reported running: same container ID and start time, its program replayed from its start.
     */
    void resume(Slot s) {
        run(s, s.containerId, Timestamps.toMillis(s.state.getRunning().getStartedAt()));
    }

    /**
     * Creates and starts an instance; {@code resumeId} resumes one a previous process started at
     * {@code resumeStartedAt}. A new instance whose configuration cannot be made (a missing
     * ConfigMap, Secret or key) waits in CreateContainerConfigError instead, and is tried again
     * after {@link #CONFIG_RETRY} (the kubelet's pod-worker back-off), so that it starts once what
     * it needs appears.
     *
     * @return false when the instance could not be created
     */
    private boolean run(Slot s, String resumeId, long resumeStartedAt) {
        boolean resume = resumeId != null;
        ContainerEnvironment.Resolved config;
        EffectiveSecurityContext security = EffectiveSecurityContext.of(pod.pod(), s.spec);
        try {
            config = new ContainerEnvironment(this.config).resolve(pod.pod(), s.spec, pod.downward());
            security.verifyRunAsNonRoot(pod.pod(), s.spec);
        } catch (ContainerConfigException e) {
            if (!resume) {
                configError(s, e.getMessage());
                return false;
            }
            // it ran with a configuration a previous process made: go on with what can be made now
            config = new ContainerEnvironment.Resolved(
                    literalEnv(s.spec), s.spec.getCommandList(), s.spec.getArgsList(), List.of());
        }
        if (!resume) {
            for (String w : config.warnings()) {
                pod.event(null, "Warning", "InvalidEnvironmentVariableNames", w);
            }
        }
        Container spec = s.spec;
        if (!config.command().equals(spec.getCommandList()) || !config.args().equals(spec.getArgsList())) {
            spec = spec.toBuilder()
                    .clearCommand()
                    .addAllCommand(config.command())
                    .clearArgs()
                    .addAllArgs(config.args())
                    .build();
        }
        SimContainer c = runtime.create(ref, spec, config.env(), s.init, s.behaviour, resumeId, resumeStartedAt);
        // the instance's restart count: a resumed one keeps it; a new one after a finished one is
        // counted once run() returns, so it is one more than the slot's now
        boolean restart = !resume && s.lastState != null && s.lastState.hasTerminated();
        runtime.logCapture()
                .capture(
                        new LogSource(
                                ref.namespace(),
                                ref.name(),
                                ref.uid(),
                                s.name(),
                                pod.pod().getSpec().getNodeName(),
                                s.restartCount + (restart ? 1 : 0),
                                pod.pod().getMetadata().getLabelsMap()),
                        c.log());
        volumes.mountInto(s.spec, config.env(), c.filesystem());
        if (dns == null) {
            dns = networking.dns(pod.pod(), (type, reason, message) -> pod.event(null, type, reason, message));
        }
        networking.attach(pod.pod(), pod.podIp(), dns, c);
        pod.trackUsage(s, c);
        TerminationMessage.prepare(c);
        security.applyTo(c);
        s.current = c;
        s.killing = null;
        s.containerId = c.id();
        if (s.imageId.isEmpty()) {
            s.imageId = ContainerRuntime.imageId(s.spec.getImage());
        }
        s.pulled = true;
        if (!resume) {
            pod.event(s, "Normal", "Created", "Created container " + s.name());
            pod.event(s, "Normal", "Started", "Started container " + s.name());
        }
        boolean hook = !resume && LifecycleHooks.hasPostStart(s.spec);
        if (hook) {
            awaitPostStart(s);
        } else {
            running(s, c, resume);
        }
        long fastForward = resume ? Math.max(0, timers().nowMillis() - c.startedAtMillis()) : 0;
        c.start(fastForward, (cc, code) -> pod.exited(s, cc, code));
        if (hook && s.current == c && c.isRunning()) {
            pod.hooks().postStart(s, c, () -> running(s, c, false), this::resumeHeldBack);
        }
        return true;
    }

    /**
     * Instance {@code c} is reported running from its start, and probed; a new one is started
     * (unless a startup probe is to say so) and ready (unless a readiness probe is to say so).
     */
    private void running(Slot s, SimContainer c, boolean resume) {
        // the slot keeps the instance the status (and pods started in the same second) share
        s.state = pod.shared(ContainerStates.running(c.startedAtMillis(), precision()));
        if (!resume) {
            s.started = s.init || !s.spec.hasStartupProbe();
            s.ready = !s.init && s.started && !s.spec.hasReadinessProbe();
        }
        if (!s.init && ProbeManager.probes(s.spec)) {
            if (probes == null) {
                probes = new ProbeManager(pod, timers(), scale());
            }
            probes.start(s, c, resume);
        }
    }

    /**
     * What the status shows while a new instance's postStart hook runs: not yet running, as the
     * kubelet has not finished starting it; PostStartHookError with the message when the previous
     * instance's hook failed.
     */
    private void awaitPostStart(Slot s) {
        s.started = false;
        s.ready = false;
        if (s.postStartError != null) {
            s.state = ContainerStates.waiting(LifecycleHooks.POST_START_ERROR, s.postStartError);
        } else if (s.state == null || !s.state.hasWaiting()) {
            s.state = ContainerStates.waiting("ContainerCreating", "");
        }
    }

    /** {@code s} waits in CreateContainerConfigError with the kubelet's message and Event, and is tried again later. */
    private void configError(Slot s, String message) {
        boolean repeat = s.state != null
                && s.state.hasWaiting()
                && s.state.getWaiting().getReason().equals(CONFIG_ERROR)
                && s.state.getWaiting().getMessage().equals(message);
        if (s.state != null && s.state.hasTerminated()) {
            s.lastState = s.state;
        }
        s.state = ContainerStates.waiting(CONFIG_ERROR, message);
        if (!repeat) {
            pod.event(s, "Warning", "Failed", "Error: " + message);
        }
        s.cancelPending();
        s.pending = pod.after(scale().millis(CONFIG_RETRY), () -> {
            if (pod.running()
                    && s.state.hasWaiting()
                    && s.state.getWaiting().getReason().equals(CONFIG_ERROR)) {
                if (run(s, null, 0) && s.lastState != null && s.lastState.hasTerminated()) {
                    s.restartCount++;
                }
                pod.changed();
            }
        });
    }

    private static Map<String, String> literalEnv(Container spec) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : spec.getEnvList()) {
            env.put(e.getName(), e.getValue());
        }
        return env;
    }

    /**
     * What follows an exit while the pod runs, by the restart policy: the next init container
     * after one succeeded, else a restart when the policy asks for one.
     *
     * @return false when the pod cannot go on: an init container failed and is not restarted
     */
    boolean afterExit(Slot s, int code) {
        if (s.init && code == 0) {
            startNext();
        } else if (RestartPolicy.restarts(RestartPolicy.of(pod.pod().getSpec()), s.init, code)) {
            restart(s, s.current.finishedAtMillis(), true);
        } else if (s.init) {
            return false;
        }
        if (!s.init) {
            resumeHeldBack(); // it may have ended in its postStart hook
        }
        return true;
    }

    /**
     * Starts {@code s}'s container again now, or once its back-off from {@code finishedAt} is
     * over, waiting in CrashLoopBackOff meanwhile. {@code announce} records the kubelet's BackOff
     * Event; a back-off resumed after a process restart was announced by the process that saw
     * the exit.
     */
    void restart(Slot s, long finishedAt, boolean announce) {
        long wait = s.backoff().remaining(finishedAt, timers().nowMillis());
        if (wait <= 0) {
            s.backoff().next(finishedAt);
            restartNow(s);
            return;
        }
        if (announce) {
            pod.event(
                    s,
                    "Warning",
                    "BackOff",
                    "Back-off restarting failed container " + s.name() + " in pod " + ref.name() + "_" + ref.namespace()
                            + "(" + ref.uid() + ")");
        }
        s.lastState = s.state;
        s.state = ContainerStates.crashLoopBackOff(
                scale().unscaledMillis(s.backoff().current()), s.name(), ref);
        s.cancelPending();
        s.pending = pod.after(wait, () -> {
            if (pod.running() && s.state.hasWaiting()) {
                s.backoff().next(finishedAt);
                restartNow(s);
                pod.changed();
            }
        });
    }

    private void restartNow(Slot s) {
        if (s.state.hasTerminated()) {
            s.lastState = s.state;
        }
        if (run(s, null, 0)) {
            s.restartCount++;
        }
    }
}
