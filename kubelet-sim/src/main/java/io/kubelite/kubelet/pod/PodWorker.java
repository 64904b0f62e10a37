package io.kubelite.kubelet.pod;

import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.config.DownwardApi;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.runtime.SimContainer;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The life of one pod on one node, as the kubelet runs it, from admission (or adoption after
 * a process restart) to the removal of its object: the pod IP, then the containers, until the
 * pod reaches its terminal phase, exceeds its activeDeadlineSeconds or is deleted. The worker
 * moves the pod through its {@link PodStage}s and leaves the rest to its parts: starting and
 * restarting containers ({@link ContainerLauncher}, which has {@link ProbeManager} probe them),
 * their postStart and preStop hooks ({@link LifecycleHooks}),
 * graceful deletion ({@link PodTermination}), taking over from a previous process
 * ({@link PodAdoption}) and the status ({@link PodStatuses}). Every change recomputes the
 * kubelet-owned part of the status and asks the host to write it (coalesced).
 *
 * <p>Lifecycle: exactly one of {@link #start}, {@link #adopt} or {@link #reject} begins it;
 * {@link #destroy} (the pod object is gone) or {@link #destroyQuietly} (the process is going
 * away) ends it, at most once: after either, nothing runs, nothing is written and both do
 * nothing. The worker has no thread of its own: it runs on the runtime's shared timers and on
 * the threads that call it, and one lock, its monitor, guards all of the pod's state, its
 * parts' included; whatever comes back from a timer, a container's exit or a probe takes it
 * (see {@link PodContext}), so a pod's events are serialised without a thread per pod.
 */
public final class PodWorker {
    /** How soon a volume set-up that failed is tried again (unscaled). */
    static final Duration VOLUME_RETRY = Duration.ofSeconds(10);

    private final PodHost host;
    private final String namespace;
    private final String name;
    private final String uid;
    /** Makes the statuses it computes share their conditions, timestamps and states with other pods'. */
    private final SharedMessages messages;

    private final PodContainers containers;
    private final ContainerLauncher launcher;
    // the parts below are made on first need: most pods never run a hook, are never deleted while
    // this process runs them, set no deadline and no local-storage limit (memory per pod)
    /** Null until a container has a postStart hook or one is killed. */
    private LifecycleHooks hooks;
    /** Null until the pod is deleted, or rejected or adopted while being deleted. */
    private PodTermination termination;
    /** What the worker's parts see of it; kept to make the parts when first needed. */
    private final PodContext context;
    /** Null until the pod sets activeDeadlineSeconds: most pods never need one (memory per pod). */
    private ActiveDeadline deadline;
    /** Null until the pod sets a local-storage limit: most pods never need one (memory per pod). */
    private LocalStorageEviction storage;

    private final PodVolumes volumes;
    /** The next retry of a volume set-up that failed, or the next volume sync of a running pod. */
    private Timers.Cancellable volumeTimer = Timers.Cancellable.NONE;

    private Pod pod;
    private PodStage stage = PodStage.NEW;
    private String terminalPhase;
    private String reason = "";
    private String message = "";
    private long startTime;
    private String podIp = "";
    private boolean rejected;
    private boolean holdsResources;
    /** When this worker first saw the pod (timers' clock): where kube's pod start duration counts from. */
    private final long firstSeenMillis;
    /** Whether the pod has been seen Running (or was already, when a previous process started it). */
    private boolean startSeen;
    /** From first seen to first Running, until {@link #takeStartDurationMillis} takes it; -1 otherwise. */
    private long startDurationMillis = -1;
    /** The status as last computed: what {@link #snapshot} gives, and whose conditions the next computation starts from. */
    private volatile PodStatus status;

    public PodWorker(Pod pod, PodHost host, SharedMessages messages) {
        this.pod = pod;
        this.host = host;
        this.messages = messages;
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.uid = pod.getMetadata().getUid();
        ContainerRuntime runtime = host.runtime();
        String hostname =
                pod.getSpec().getHostname().isEmpty() ? name : pod.getSpec().getHostname();
        this.containers = new PodContainers(pod, runtime.scale());
        this.volumes = new PodVolumes(pod, host.hostFilesystem(), host.config(), host.projectedTokens());
        PodContext context = new Context();
        this.context = context;
        this.launcher = new ContainerLauncher(
                context,
                containers,
                runtime,
                new ContainerRuntime.PodRef(namespace, name, uid, hostname),
                host.config(),
                volumes,
                host.networking());
        this.firstSeenMillis = timers().nowMillis();
        this.status = messages.share(computeStatus(List.of(), firstSeenMillis));
    }

    private Timers timers() {
        return host.runtime().timers();
    }

    private TimeScale scale() {
        return host.runtime().scale();
    }

    /** Of every timestamp this worker writes into the pod's status. */
    private TimestampPrecision precision() {
        return TimestampPrecision.of(host.runtime().scale());
    }

    private LifecycleHooks hooks() {
        if (hooks == null) {
            hooks = new LifecycleHooks(context, timers(), scale());
        }
        return hooks;
    }

    private PodTermination termination() {
        if (termination == null) {
            termination = new PodTermination(context, containers);
        }
        return termination;
    }

    /** True once the deleted pod is done with and its object may be removed. */
    private boolean removable() {
        return termination != null && termination.removable();
    }

    /**
     * How long the pod took from this worker first seeing it to running (kube's
     * {@code kubelet_pod_start_duration_seconds}), once; -1 before that, after it was taken, and
     * for a pod a previous process had started.
     */
    public synchronized long takeStartDurationMillis() {
        long d = startDurationMillis;
        startDurationMillis = -1;
        return d;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** True while its node's heartbeats are stopped: its status must not be written. */
    public boolean heartbeatsStopped() {
        return host.heartbeatsStopped();
    }

    public String uid() {
        return uid;
    }

    public String key() {
        // interned: the same string as the pod's key in the workers' and runtime's maps
        return (namespace + "/" + name).intern();
    }

    public synchronized Pod pod() {
        return pod;
    }

    /** True while the pod counts against its node's allocatable (admitted and not ended). */
    public synchronized boolean holdsResources() {
        return holdsResources;
    }

    public synchronized boolean isTerminal() {
        return terminalPhase != null || rejected;
    }

    /** True once the pod's containers are stopped after a graceful delete: the object may be removed. */
    public synchronized boolean readyToDelete() {
        return removable();
    }

    public synchronized String phase() {
        return status.getPhase();
    }

    // ------------------------------------------------------------------ entry points

    /** Admission refused the pod: it fails at once, as the kubelet's rejectPod does. */
    public synchronized void reject(String why, String text) {
        event(null, "Warning", why, text);
        rejected = true;
        terminalPhase = PodStatuses.FAILED;
        reason = why;
        message = PodStatuses.REJECTED + ": " + text;
        stage = PodStage.FINISHED;
        changed();
        if (pod.getMetadata().hasDeletionTimestamp()) {
            termination().allowRemoval();
        }
    }

    /** An admitted pod new to this node. */
    public synchronized void start() {
        holdsResources = true;
        long now = timers().nowMillis();
        startTime = now;
        for (Slot s : containers.init()) {
            s.state = ContainerStates.waiting("PodInitializing", "");
        }
        for (Slot s : containers.app()) {
            s.state =
                    ContainerStates.waiting(containers.init().isEmpty() ? "ContainerCreating" : "PodInitializing", "");
        }
        startDeadline(startTime);
        if (pod.getMetadata().hasDeletionTimestamp()) {
            finalizeDeletion();
            return;
        }
        ensureNetwork();
    }

    /** The node just got a podCIDR: pods that waited for one go on. */
    public synchronized void networkReady() {
        if (stage == PodStage.WAITING_NETWORK) {
            ensureNetwork();
        }
    }

    /** A newer version of the pod object. */
    public synchronized void update(Pod p) {
        this.pod = p;
        if (p.getMetadata().hasDeletionTimestamp()) {
            beginTermination();
        }
    }

    /** The pod object is gone: stop everything at once and forget it (its IP, its resources, its logs). */
    public synchronized void destroy() {
        if (halt()) {
            releaseAll();
            host.runtime().logs().removePod(namespace, name, uid);
            host.runtime().containers().removePod(namespace, name, uid);
        }
    }

    /**
     * Stops the simulation of this pod without touching its logs or IP bookkeeping, and without
     * a word to etcd: the process is shutting down, and the next one adopts the pod.
     */
    public synchronized void destroyQuietly() {
        halt();
    }

    /** Kills every container at once, without their exits reported; false if the worker had ended already. */
    private boolean halt() {
        if (stage == PodStage.GONE) {
            return false;
        }
        stage = PodStage.GONE;
        cancelDeadlineAndStorage();
        volumeTimer.cancel();
        for (Slot s : containers.all()) {
            s.cancelPending();
            s.stopProbers();
            if (s.current != null) {
                s.current.kill();
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ network

    /**
     * Sets up the pod's volumes, gets it its IP and starts its containers; or has it wait for a
     * volume's ConfigMap or Secret (FailedMount, tried again after {@link #VOLUME_RETRY}) or for the
     * node's podCIDR.
     */
    private void ensureNetwork() {
        List<String> failures = volumes.sync(pod, downward());
        if (!failures.isEmpty()) {
            for (String f : failures) {
                event(null, "Warning", "FailedMount", f);
            }
            stage = PodStage.WAITING_VOLUMES;
            readyToStart(false);
            volumeTimer.cancel();
            volumeTimer = timers().after(scale().millis(VOLUME_RETRY), () -> {
                synchronized (this) {
                    if (stage == PodStage.WAITING_VOLUMES) {
                        ensureNetwork();
                    }
                }
            });
            changed();
            return;
        }
        String ip = host.allocatePodIp(uid);
        if (ip == null) {
            stage = PodStage.WAITING_NETWORK;
            readyToStart(false);
            changed();
            return;
        }
        podIp = ip;
        stage = PodStage.RUNNING;
        readyToStart(true);
        scheduleVolumeSync();
        watchLocalStorage();
        launcher.startNext();
        changed();
    }

    /** Brings the pod's projected volumes up to date every sync period while it runs, as the kubelet's periodic sync does. */
    private void scheduleVolumeSync() {
        volumeTimer.cancel();
        if (!volumes.needsSync()) {
            return; // nothing a sync could change: no timer held for the pod's whole life
        }
        volumeTimer = timers().after(scale().millis(host.configSyncPeriod()), () -> {
            synchronized (this) {
                if (stage == PodStage.RUNNING || stage == PodStage.TERMINATING) {
                    volumes.sync(pod, downward());
                    scheduleVolumeSync();
                }
            }
        });
    }

    private DownwardApi downward() {
        return new DownwardApi(pod, podIp, host.hostIp(), host.allocatable());
    }

    // ------------------------------------------------------------------ container exits and Events

    /** An instance exited: a deleted pod may be done; a running one goes on as the restart policy says, or fails. */
    private synchronized void onExit(Slot s, SimContainer c, int code) {
        if (s.current != c || stage == PodStage.GONE) {
            return;
        }
        s.exited(c, code, precision());
        if (stage == PodStage.TERMINATING) {
            checkTerminationDone();
        } else if (stage == PodStage.RUNNING && !launcher.afterExit(s, code)) {
            finish(PodStatuses.FAILED);
        }
        changed();
    }

    /** One pod Event; about a container when {@code s} is not null. */
    private void event(Slot s, String type, String reason, String message) {
        host.events()
                .record(
                        pod,
                        host.nodeName(),
                        s == null ? "" : PodEvents.fieldPath(s.init, s.name()),
                        type,
                        reason,
                        message);
    }

    // ------------------------------------------------------------------ ending

    /** The pod reached its terminal phase by itself (or its deadline): whatever still runs is killed. */
    private void finish(String terminal) {
        terminalPhase = terminal;
        stage = PodStage.FINISHED;
        cancelDeadlineAndStorage();
        volumeTimer.cancel();
        for (Slot s : containers.all()) {
            s.quiesce();
            if (s.current != null && s.current.isRunning()) {
                s.current.stop(0);
            }
        }
        releaseAll();
    }

    /** The pod no longer holds its IP nor, once, its share of the node. */
    private void releaseAll() {
        host.releasePodIp(uid);
        if (holdsResources) {
            holdsResources = false;
            host.released(this);
        }
    }

    private void watchLocalStorage() {
        if (storage == null) {
            if (!LocalStorageLimits.appliesTo(pod)) {
                return; // LocalStorageEviction.start would do nothing
            }
            storage = new LocalStorageEviction(context, timers(), scale());
        }
        storage.start(volumes::usedBytes, this::containerStorageBytes, this::evicted);
    }

    /** The pod's active deadline from {@code startTime}, if it sets one. */
    private void startDeadline(long startTime) {
        if (deadline == null) {
            if (!pod.getSpec().hasActiveDeadlineSeconds()) {
                return; // ActiveDeadline.start would do nothing
            }
            deadline = new ActiveDeadline(context, timers(), scale());
        }
        deadline.start(startTime, this::deadlineExceeded);
    }

    private void cancelDeadlineAndStorage() {
        if (deadline != null) {
            deadline.cancel();
        }
        if (storage != null) {
            storage.cancel();
        }
    }

    /** A container's writable layer and its log: what its ephemeral-storage limit counts. */
    private long containerStorageBytes(String name) {
        for (Slot s : containers.app()) {
            if (s.name().equals(name) && s.current != null) {
                return s.current.filesystem().usedBytes() + s.current.log().bytes();
            }
        }
        return 0;
    }

    /**
     * The eviction manager's verdict (local storage, or the node short of memory): the pod fails
     * at once, as kube's eviction kills it.
     */
    private void evicted(String why) {
        if (stage != PodStage.RUNNING) {
            return;
        }
        event(null, "Warning", LocalStorageLimits.REASON, why);
        reason = LocalStorageLimits.REASON;
        message = why;
        finish(PodStatuses.FAILED);
        changed();
    }

    private void deadlineExceeded() {
        if (stage == PodStage.FINISHED || stage == PodStage.GONE || stage == PodStage.TERMINATING) {
            return;
        }
        reason = ActiveDeadline.REASON;
        message = ActiveDeadline.MESSAGE;
        finish(PodStatuses.FAILED);
        changed();
    }

    // ------------------------------------------------------------------ deletion

    /** The object has a deletionTimestamp: containers stop within the grace period; the pod ends when the last one did. */
    private void beginTermination() {
        if (stage == PodStage.TERMINATING || stage == PodStage.GONE || removable()) {
            return;
        }
        if (stage != PodStage.RUNNING) {
            finalizeDeletion();
            return;
        }
        stage = PodStage.TERMINATING;
        cancelDeadlineAndStorage();
        termination().stopContainers();
        checkTerminationDone();
        changed();
    }

    private void checkTerminationDone() {
        if (termination().containersStopped()) {
            finalizeDeletion();
        }
    }

    /** A deleted pod whose containers are stopped (or never ran) ends; its object may go. */
    private void finalizeDeletion() {
        if (terminalPhase == null) {
            terminalPhase = termination().phaseOfDeleted();
        }
        stage = PodStage.FINISHED;
        for (Slot s : containers.all()) {
            s.quiesce();
        }
        releaseAll();
        termination().allowRemoval();
        changed();
    }

    // ------------------------------------------------------------------ adoption

    /**
     * Takes over a pod a previous simulator process ran, from the status it wrote: containers
     * that were running keep running (same container ID, start time and restart count; their
     * programs replayed from their start), finished ones stay finished, waiting ones go on
     * ({@link PodAdoption}); the pod keeps its IP when the node can still give it that one.
     */
    public synchronized void adopt() {
        PodStatus st = pod.getStatus();
        reason = st.getReason();
        message = st.getMessage();
        startTime = st.hasStartTime() ? Timestamps.toMillis(st.getStartTime()) : timers().nowMillis();
        // the conditions the previous process reported: their transition times carry on
        status = st;
        PodAdoption.restore(containers, st);
        if (PodAdoption.ended(st)) {
            terminalPhase = st.getPhase();
            rejected = PodAdoption.rejected(st);
            podIp = st.getPodIp();
            stage = PodStage.FINISHED;
            if (pod.getMetadata().hasDeletionTimestamp()) {
                termination().allowRemoval();
                changed();
            } else {
                status = messages.share(computeStatus(status.getConditionsList(), timers().nowMillis()));
            }
            return;
        }
        holdsResources = true;
        startDeadline(startTime);
        if (pod.getMetadata().hasDeletionTimestamp()) {
            // the previous process was stopping it: containers are gone with it
            finalizeDeletion();
            return;
        }
        if (st.getPodIp().isEmpty() || !host.reservePodIp(st.getPodIp(), uid)) {
            ensureNetwork();
            return;
        }
        podIp = st.getPodIp();
        stage = PodStage.RUNNING;
        readyToStart(true);
        volumes.sync(pod, downward()); // what cannot be made now stays empty for the resumed containers
        scheduleVolumeSync();
        watchLocalStorage();
        startSeen = true; // started by a previous process: its start was that process's to time
        PodAdoption.resume(containers, launcher, RestartPolicy.of(pod.getSpec()));
        changed();
    }

    // ------------------------------------------------------------------ status

    /** Recomputes the status (ending the pod if its containers' phase is terminal now), and asks for a write. */
    private void changed() {
        if (stage == PodStage.GONE) {
            return;
        }
        long now = timers().nowMillis();
        if (!rejected && terminalPhase == null) {
            String p = PodStatuses.phase(pod.getSpec(), containers.initViews(), containers.appViews());
            if (PodStatuses.isTerminal(p)) {
                finish(p);
            }
        }
        // finish() may have come back here (a stopped container's exit): start from what that computed
        setStatus(computeStatus(status.getConditionsList(), now));
        if (!startSeen && status.getPhase().equals("Running")) {
            startSeen = true;
            startDurationMillis = now - firstSeenMillis;
        }
        host.statusChanged(this);
    }

    /**
     * Records PodReadyToStartContainers at the moment the network is (or is not yet) there:
     * its lastTransitionTime precedes the containers' start times, which the next
     * {@link #changed} reports.
     */
    private void readyToStart(boolean ready) {
        setStatus(status.toBuilder()
                .clearConditions()
                .addAllConditions(PodConditions.apply(
                        status.getConditionsList(),
                        List.of(PodConditions.Verdict.of(PodConditions.READY_TO_START, ready)),
                        timers().nowMillis(),
                        precision()))
                .build());
    }

    /**
     * Keeps the instance it has when {@code s} is equal to it: the pod informer's copy of the
     * pod shares it once written ({@link PodSharing}), and a recomputation that changed nothing
     * must not make a second copy. A new one shares its small messages with other pods'
     * ({@link SharedMessages}).
     */
    private void setStatus(PodStatus s) {
        if (!s.equals(status)) {
            status = messages.share(s);
        }
    }

    private PodStatus computeStatus(List<PodCondition> previous, long now) {
        PodStatuses.PodFacts facts = new PodStatuses.PodFacts(
                stage, rejected, terminalPhase, reason, message, host.hostIp(), podIp, startTime);
        return PodStatuses.generate(
                pod.getSpec(), facts, containers.initViews(), containers.appViews(), previous, now, precision());
    }

    /** The kubelet-owned part of the pod status, as it should be in etcd now. */
    public synchronized PodStatus snapshot() {
        return status;
    }

    /** The status as last computed, without the pod's lock (for {@link PodSharing}, under the informer's). */
    PodStatus lastStatus() {
        return status;
    }

    /** The worker as its parts see it. */
    private final class Context implements PodContext {
        @Override
        public Pod pod() {
            return pod;
        }

        @Override
        public String key() {
            return PodWorker.this.key();
        }

        @Override
        public String podIp() {
            return podIp;
        }

        @Override
        public DownwardApi downward() {
            return PodWorker.this.downward();
        }

        @Override
        public boolean running() {
            return stage == PodStage.RUNNING;
        }

        @Override
        public <M extends Message> M shared(M m) {
            return messages.share(m);
        }

        @Override
        public void changed() {
            PodWorker.this.changed();
        }

        @Override
        public void event(Slot s, String type, String reason, String message) {
            PodWorker.this.event(s, type, reason, message);
        }

        @Override
        public Timers.Cancellable after(long delayMillis, Runnable task) {
            return timers().after(delayMillis, () -> serially(task));
        }

        @Override
        public void serially(Runnable task) {
            synchronized (PodWorker.this) {
                task.run();
            }
        }

        @Override
        public boolean test(BooleanSupplier condition) {
            synchronized (PodWorker.this) {
                return condition.getAsBoolean();
            }
        }

        @Override
        public LifecycleHooks hooks() {
            return PodWorker.this.hooks();
        }

        @Override
        public void kill(Slot s, long graceSeconds) {
            hooks().kill(s, graceSeconds);
        }

        @Override
        public void trackUsage(Slot s, SimContainer c) {
            host.usage().track(pod, why -> serially(() -> evicted(why)), c, volumes.tmpfsWrittenBy(s.spec));
        }

        @Override
        public void exited(Slot s, SimContainer c, int code) {
            onExit(s, c, code);
        }
    }
}
