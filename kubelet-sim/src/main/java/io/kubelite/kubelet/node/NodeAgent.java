package io.kubelite.kubelet.node;

import io.kubelite.api.Node;
import io.kubelite.api.NodeSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.clock.TimestampPrecision;
import io.kubelite.kubelet.config.ConfigObjects;
import io.kubelite.kubelet.config.ProjectedTokens;
import io.kubelite.kubelet.network.NodeNetworking;
import io.kubelite.kubelet.pod.PodAdmitter;
import io.kubelite.kubelet.pod.PodEvents;
import io.kubelite.kubelet.pod.PodHost;
import io.kubelite.kubelet.pod.PodIpAllocator;
import io.kubelite.kubelet.pod.PodWorker;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import io.kubelite.kubelet.usage.NodeUsage;
import io.kubelite.kubelet.usage.UsageModel;
import io.kubelite.kubelet.usage.UsageTracker;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated node: registers (or adopts) its Node object, keeps its Lease and status
 * fresh, owns its pod IP range, and admits the pods bound to it. Many agents share one
 * process's timers and etcd connection.
 */
public final class NodeAgent implements PodHost {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    /** The process's pods, as the agent needs them. */
    public interface Pods {
        void statusChanged(PodWorker worker);

        List<PodWorker> workersOn(String nodeName);
    }

    private final NodeTemplate template;
    private final ObjectStore<Node> nodes;
    private final NodeLeaseRenewer lease;
    private final NodeStatusReporter reporter;
    private final NodeTiming timing;
    private final Timers timers;
    private final ContainerRuntime runtime;
    private final String address;
    private final String fallbackCidr;
    private final Pods pods;
    private final PodEvents events;
    private volatile Node node;
    private volatile PodIpAllocator allocator;
    private long lastStatusWrite;
    private boolean statusInFlight;
    private Timers.Cancellable statusTimer = Timers.Cancellable.NONE;
    private volatile boolean stopped;
    private final ConfigObjects config;
    private volatile ProjectedTokens projectedTokens = ProjectedTokens.UNSIGNED;
    private final Duration configSyncPeriod;
    /** hostPath volumes' files: the simulated node's own tree. */
    private final SimulatedFilesystem hostFiles = SimulatedFilesystem.empty();
    /** Its containers' simulated usage; none until {@link #simulateUsage}. */
    private volatile NodeUsage usage;

    private volatile NodeNetworking networking = NodeNetworking.NONE;
    private final NodeHeartbeats heartbeats;
    private volatile NodeEvents nodeEvents = NodeEvents.NONE;

    public NodeAgent(
            NodeTemplate template,
            ObjectStore<Node> nodes,
            NodeLeaseWriter leases,
            NodeTiming timing,
            ContainerRuntime runtime,
            String address,
            int kubeletPort,
            String fallbackCidr,
            Pods pods,
            PodEvents events,
            ConfigObjects config,
            Duration configSyncPeriod) {
        this.events = events;
        this.config = config;
        this.configSyncPeriod = configSyncPeriod;
        this.template = template;
        this.nodes = nodes;
        this.timing = timing;
        this.timers = runtime.timers();
        this.runtime = runtime;
        this.address = address;
        this.fallbackCidr = fallbackCidr;
        this.pods = pods;
        this.heartbeats = new NodeHeartbeats(template.name());
        this.lease = new NodeLeaseRenewer(template.name(), leases, timers, timing, heartbeats::stopped);
        this.reporter = new NodeStatusReporter(
                template,
                address,
                kubeletPort,
                timers,
                TimestampPrecision.of(timing.scale()),
                () -> usage != null && usage.memoryPressure());
    }

    public String name() {
        return template.name();
    }

    /** The node's pod networking; set before its pods start (none until then). */
    public void networking(NodeNetworking n) {
        this.networking = java.util.Objects.requireNonNull(n, "networking");
    }

    @Override
    public NodeNetworking networking() {
        return networking;
    }

    /** Where the node's own Warning Events go (none until set). */
    /** How this node's pods get service-account tokens; set before start (default: unsigned). */
    public void projectedTokens(ProjectedTokens t) {
        this.projectedTokens = java.util.Objects.requireNonNull(t, "tokens");
    }

    @Override
    public ProjectedTokens projectedTokens() {
        return projectedTokens;
    }

    public void nodeEvents(NodeEvents e) {
        this.nodeEvents = java.util.Objects.requireNonNull(e, "events");
    }

    /** True while the node's heartbeats are stopped by its annotation ({@link NodeHeartbeats}). */
    @Override
    public boolean heartbeatsStopped() {
        return heartbeats.stopped();
    }

    /**
     * Simulates its containers' usage with {@code model} (its memory pressure, OOM kills,
     * evictions); before its pods start.
     */
    public void simulateUsage(UsageModel model) {
        usage = model.node(name(), template.capacity().getOrDefault("memory", "0"));
    }

    @Override
    public UsageTracker usage() {
        NodeUsage u = usage;
        return u == null ? UsageTracker.NONE : u;
    }

    @Override
    public PodEvents events() {
        return events;
    }

    public Node node() {
        return node;
    }

    // ------------------------------------------------------------------ registration

    /**
     * Creates the Node, or adopts an existing one of the same name: labels merged
     * (ours win), spec kept (podCIDR, taints), status rewritten. Then the Lease. A node whose
     * heartbeats are stopped by its annotation is adopted as it is: it writes nothing.
     */
    public CompletableFuture<Void> register() {
        return nodes.get(null, name())
                .thenCompose(cur -> NodeHeartbeats.stoppedIn(cur.getMetadata().getAnnotationsMap())
                        ? CompletableFuture.completedFuture(cur)
                        : adopt(cur))
                .exceptionallyCompose(err -> {
                    if (StoreException.unwrap(err) instanceof NotFoundException) {
                        return nodes.create(newNode()).exceptionallyCompose(e2 -> {
                            if (StoreException.unwrap(e2) instanceof AlreadyExistsException) {
                                return nodes.get(null, name()).thenCompose(this::adopt);
                            }
                            return CompletableFuture.failedFuture(e2);
                        });
                    }
                    return CompletableFuture.failedFuture(err);
                })
                .thenCompose(n -> {
                    observe(n);
                    // A process's nodes register within seconds of each other, and with one phase
                    // each report period's unchanged-status writes came from all of them at once
                    // (5,000 Node writes in one 10 s window every 5 minutes: the density benchmark's
                    // worst windows). Real kubelets start at different times; the first report of a
                    // node comes between half the period and the whole of it, and keeps that phase.
                    long period = timing.scale().millis(timing.statusReportFrequency());
                    synchronized (this) {
                        lastStatusWrite =
                                timers.nowMillis() - ThreadLocalRandom.current().nextLong(Math.max(1, period / 2));
                    }
                    lease.setNodeUid(n.getMetadata().getUid());
                    return lease.start();
                });
    }

    private CompletableFuture<Node> adopt(Node existing) {
        return nodes.guaranteedUpdate(null, name(), cur -> {
            Map<String, String> labels = new LinkedHashMap<>(cur.getMetadata().getLabelsMap());
            labels.putAll(template.labels());
            Map<String, String> annotations =
                    new LinkedHashMap<>(cur.getMetadata().getAnnotationsMap());
            annotations.putAll(template.annotations());
            return cur.toBuilder()
                    .setMetadata(cur.getMetadata().toBuilder()
                            .clearLabels()
                            .putAllLabels(labels)
                            .clearAnnotations()
                            .putAllAnnotations(annotations))
                    .setStatus(reporter.desired(cur))
                    .build();
        });
    }

    private Node newNode() {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name())
                        .putAllLabels(template.labels())
                        .putAllAnnotations(template.annotations()))
                .setSpec(NodeSpec.newBuilder().addAllTaints(template.taints()))
                .setStatus(reporter.desired(null))
                .build();
    }

    /** Starts the periodic status check (every --node-status-update-frequency). */
    public void startStatusLoop() {
        long period = Math.max(1, timing.scale().millis(timing.statusUpdateFrequency()));
        scheduleStatus(ThreadLocalRandom.current().nextLong(period));
    }

    private synchronized void scheduleStatus(long delay) {
        if (!stopped) {
            statusTimer = timers.after(delay, this::checkStatus);
        }
    }

    private void checkStatus() {
        long period = Math.max(1, timing.scale().millis(timing.statusUpdateFrequency()));
        if (!writeStatus(false, () -> scheduleStatus(period))) {
            scheduleStatus(period);
        }
    }

    /**
     * Starts a status write when one is due ({@code force}: whatever it holds), unless one is in
     * flight or heartbeats are stopped; runs {@code then} after it. False when none started.
     */
    private boolean writeStatus(boolean force, Runnable then) {
        Node cur = node;
        long now = timers.nowMillis();
        synchronized (this) {
            boolean write = !statusInFlight
                    && !heartbeats.stopped()
                    && cur != null
                    && (force
                            || reporter.differs(cur)
                            || now - lastStatusWrite >= timing.scale().millis(timing.statusReportFrequency()));
            if (!write) {
                return false;
            }
            statusInFlight = true;
        }
        nodes.guaranteedUpdate(
                        null,
                        name(),
                        n -> n.toBuilder().setStatus(reporter.desired(n)).build())
                .whenComplete((n, err) -> {
                    synchronized (this) {
                        statusInFlight = false;
                        if (err == null) {
                            lastStatusWrite = timers.nowMillis();
                        }
                    }
                    if (err == null) {
                        observe(n);
                    } else if (StoreException.unwrap(err) instanceof NotFoundException && !stopped) {
                        LOG.warn("node {} was deleted; registering it again", name());
                        register().exceptionally(e -> {
                            LOG.warn("node {}: re-registration failed: {}", name(), e.getMessage());
                            return null;
                        });
                    } else {
                        LOG.warn("node {}: status update failed: {}", name(), err.getMessage());
                    }
                    then.run();
                });
        return true;
    }

    /** Heartbeats resumed: the Lease, the node's status and its pods' statuses are written at once. */
    private void resumeHeartbeats() {
        lease.renewNow();
        writeStatus(true, () -> {});
        for (PodWorker w : pods.workersOn(name())) {
            pods.statusChanged(w);
        }
    }

    /** A newer Node object (from our write or the informer). */
    public void observe(Node n) {
        Node prev = node;
        if (prev != null
                && n != null
                && Long.parseLong(
                                prev.getMetadata().getResourceVersion().isEmpty()
                                        ? "0"
                                        : prev.getMetadata().getResourceVersion())
                        > Long.parseLong(
                                n.getMetadata().getResourceVersion().isEmpty()
                                        ? "0"
                                        : n.getMetadata().getResourceVersion())) {
            return;
        }
        node = n;
        updateAllocator(n);
        if (n != null
                && heartbeats.observe(n.getMetadata().getAnnotationsMap(), nodeEvents) == NodeHeartbeats.Change.RESUMED
                && !stopped) {
            resumeHeartbeats();
        }
    }

    private void updateAllocator(Node n) {
        String cidr = n.getSpec().getPodCidr();
        boolean newlyReady = false;
        synchronized (this) {
            PodIpAllocator a = allocator;
            if (!cidr.isEmpty()) {
                if (a == null || !a.cidr().equals(cidr)) {
                    try {
                        allocator = new PodIpAllocator(cidr);
                        newlyReady = true;
                    } catch (IllegalArgumentException e) {
                        LOG.warn("node {}: cannot use podCIDR {}: {}", name(), cidr, e.getMessage());
                    }
                }
            } else if (a == null && fallbackCidr != null) {
                allocator = new PodIpAllocator(fallbackCidr);
                newlyReady = true;
            }
        }
        if (newlyReady) {
            for (PodWorker w : pods.workersOn(name())) {
                w.networkReady();
            }
        }
    }

    /** The node deleted behind our back: register it again (a kubelet does). */
    public void onDeleted() {
        if (stopped) {
            return;
        }
        timers.after(timing.scale().millis(java.time.Duration.ofSeconds(1)), () -> {
            node = null;
            register().exceptionally(e -> {
                LOG.warn("node {}: re-registration failed: {}", name(), e.getMessage());
                return null;
            });
        });
    }

    /** Admission of a new pod bound here, against the pods already admitted. */
    public PodAdmitter.Result admit(Pod pod) {
        List<Pod> admitted = new ArrayList<>();
        for (PodWorker w : pods.workersOn(name())) {
            if (!w.uid().equals(pod.getMetadata().getUid()) && w.holdsResources()) {
                admitted.add(w.pod());
            }
        }
        Node n = node;
        if (n == null) {
            return new PodAdmitter.Result(true, "", "");
        }
        return PodAdmitter.admit(pod, n, admitted);
    }

    public void stop() {
        stopped = true;
        lease.stop();
        synchronized (this) {
            statusTimer.cancel();
        }
    }

    // ------------------------------------------------------------------ PodHost

    @Override
    public ContainerRuntime runtime() {
        return runtime;
    }

    @Override
    public String nodeName() {
        return name();
    }

    @Override
    public String hostIp() {
        return address;
    }

    @Override
    public Map<String, String> allocatable() {
        return template.allocatable();
    }

    @Override
    public ConfigObjects config() {
        return config;
    }

    @Override
    public SimulatedFilesystem hostFilesystem() {
        return hostFiles;
    }

    @Override
    public Duration configSyncPeriod() {
        return configSyncPeriod;
    }

    @Override
    public String allocatePodIp(String uid) {
        PodIpAllocator a = allocator;
        return a == null ? null : a.allocate(uid);
    }

    @Override
    public boolean reservePodIp(String ip, String uid) {
        PodIpAllocator a = allocator;
        return a != null && a.reserve(ip, uid);
    }

    @Override
    public void releasePodIp(String uid) {
        networking.release(uid);
        PodIpAllocator a = allocator;
        if (a != null) {
            a.release(uid);
        }
    }

    @Override
    public void statusChanged(PodWorker worker) {
        pods.statusChanged(worker);
    }

    @Override
    public void released(PodWorker worker) {
        // admission recomputes from the workers that still hold resources
    }
}
