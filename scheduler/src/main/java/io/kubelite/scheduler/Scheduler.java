package io.kubelite.scheduler;

import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import io.kubelite.scheduler.cache.SchedulerCache;
import io.kubelite.scheduler.framework.FitError;
import io.kubelite.scheduler.framework.Framework;
import io.kubelite.scheduler.framework.Parallelizer;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.StorageView;
import io.kubelite.scheduler.plugins.InTreePlugins;
import io.kubelite.scheduler.plugins.NodeResourcesFit;
import io.kubelite.scheduler.plugins.PodTopologySpread;
import io.kubelite.scheduler.plugins.VolumeBindingFilter;
import io.kubelite.scheduler.queue.QueuedPod;
import io.kubelite.scheduler.queue.SchedulingQueue;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.watch.KnownValues;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: pod and node informers feed a {@link SchedulerCache} and a
 * {@link SchedulingQueue}; while leading, one loop thread pops a pod, runs the
 * {@link Framework} over the cache under its lock, assumes the pod on the chosen node and
 * hands it to the {@link Binder} without waiting for the txn.
 *
 * <p>Lifecycle: {@link #start()} (informers; no writes) → {@link #startLeading(Fence)} /
 * {@link #stopLeading()} any number of times → {@link #close()}. The informers keep
 * running while not leading, so a standby takes over warm.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final Set<String> ON_ASSIGNED_POD = Set.of(PodTopologySpread.NAME);
    private static final Set<String> ON_POD_GONE = Set.of(NodeResourcesFit.NAME, PodTopologySpread.NAME);
    private static final Set<String> STORAGE_PLUGINS = Set.of(VolumeBindingFilter.NAME);

    private final SchedulerConfig config;
    private volatile SchedulerMetrics metrics = SchedulerMetrics.none();
    private final ObjectStore<Pod> pods;
    private final SchedulerCache cache = new SchedulerCache();
    private final SchedulingQueue queue;
    private final Framework framework;
    /** Filters and scores nodes across cores; owned here, closed with the scheduler. */
    private final Parallelizer parallelizer;

    private final SelectedNodeWriter selectedNodes;
    private final ObjectStore<PersistentVolumeClaim> claims;
    /** The claims store with this term's fence: set before the loop starts, read by it. */
    private volatile ObjectStore<PersistentVolumeClaim> fencedClaims;

    private final SchedulingEventRecorder events;
    private final Binder binder;
    private final SharedInformerFactory informers;
    private final Informer<Pod> podInformer;
    /** The bound pods this scheduler wrote, by key and bind revision, for the pod informer's watch. */
    private final KnownValues<Pod> boundPods = new KnownValues<>();

    private final Informer<Node> nodeInformer;
    private final Etcd etcd;
    private final String podsPrefix;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong unschedulable = new AtomicLong();
    private final Object lifecycle = new Object();
    private volatile java.util.function.Consumer<Throwable> onFatal = e -> {};
    private volatile long syncedNanos;
    private Thread loop;
    private volatile boolean stopping;
    private boolean closed;

    public Scheduler(Etcd etcd, SchedulerConfig config) {
        this(etcd, config, new SharedInformerFactory(ListerWatchers.etcd(new Store(etcd))));
    }

    /** A scheduler whose pod and node informers come from {@code informers}; it starts and closes them. */
    Scheduler(Etcd etcd, SchedulerConfig config, SharedInformerFactory informers) {
        this.config = Objects.requireNonNull(config);
        Store store = new Store(etcd);
        this.etcd = etcd;
        this.podsPrefix = store.keys().resourcePrefix(PodKind.RESOURCE);
        this.pods = store.of(PodKind.RESOURCE);
        this.queue = new SchedulingQueue(config.initialBackoff(), config.maxBackoff());
        this.events = new SchedulingEventRecorder(etcd, config.schedulerName(), config.identity(), 1024);
        this.binder = new Binder(pods, cache, queue, events, boundPods, config.maxInFlightBinds());
        this.informers = informers;
        this.nodeInformer = informers.get(NodeKind.RESOURCE); // first: started first, as nodes place pods
        this.podInformer = informers.get(PodKind.RESOURCE);
        // the informer's watch hands back each bound pod this scheduler wrote without decoding it
        podInformer.setKnownValues(boundPods);
        this.claims = store.of(PersistentVolumeClaimKind.RESOURCE);
        StorageView storage = new InformerStorageView(
                informers.get(PersistentVolumeClaimKind.RESOURCE),
                informers.get(PersistentVolumeKind.RESOURCE),
                informers.get(StorageClassKind.RESOURCE));
        this.parallelizer = Parallelizer.of(config.effectiveParallelism());
        this.framework = InTreePlugins.defaultProfile()
                .build(InTreePlugins.registry(storage, cache.spreadCounts()), config.percentageOfNodesToScore())
                .parallelizer(parallelizer);
        this.selectedNodes = new SelectedNodeWriter(new VolumeBindingFilter(storage));
    }

    /**
     * Publishes kube-scheduler's metrics ({@link SchedulerMetrics}) into {@code registry}; call
     * before {@link #start}.
     */
    public void recordMetricsIn(io.micrometer.core.instrument.MeterRegistry registry) {
        metrics = SchedulerMetrics.of(registry, config.schedulerName(), queue);
        binder.recordMetricsIn(metrics);
    }

    public SchedulerConfig config() {
        return config;
    }

    /** Called (once per failure) if the scheduling loop dies of an unexpected error; the process should exit. */
    public void onFatal(java.util.function.Consumer<Throwable> handler) {
        this.onFatal = Objects.requireNonNull(handler);
    }

    /** Starts the informers. Writes nothing. */
    public void start() {
        nodeInformer.addHandler(new NodeHandler());
        podInformer.addHandler(new PodHandler());
        // a claim bound or created, a volume or class added: pods the volume binding filter
        // rejected may fit now
        ResourceEventHandler<Object> storageChanged =
                ResourceEventHandler.onAnyChange(o -> queue.moveOnEvent(STORAGE_PLUGINS));
        informers.get(PersistentVolumeClaimKind.RESOURCE).addHandler(cast(storageChanged));
        informers.get(PersistentVolumeKind.RESOURCE).addHandler(cast(storageChanged));
        informers.get(StorageClassKind.RESOURCE).addHandler(cast(storageChanged));
        informers.start();
    }

    public boolean hasSynced() {
        return informers.hasSynced();
    }

    public boolean awaitSynced(Duration timeout) {
        return informers.waitForCacheSync(timeout);
    }

    /** Begins scheduling; every write carries {@code fence}. Replaces a loop already running. */
    public void startLeading(Fence fence) {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            stopLoop();
            stopping = false;
            events.setFence(fence);
            ObjectStore<Pod> fenced = pods.withFence(fence);
            fencedClaims = claims.withFence(fence);
            loop = new Thread(() -> run(fenced), "scheduler-loop");
            loop.setDaemon(true);
            loop.start();
            LOG.info(
                    "scheduler {} ({}) started scheduling as {}, parallelism {}",
                    config.schedulerName(),
                    config.identity(),
                    fence,
                    parallelizer.parallelism());
        }
    }

    /** Stops scheduling; binds in flight complete (or are fenced out) on their own. */
    public void stopLeading() {
        synchronized (lifecycle) {
            if (stopLoop()) {
                LOG.info("scheduler {} stopped scheduling", config.schedulerName());
            }
        }
    }

    private boolean stopLoop() {
        Thread t = loop;
        if (t == null) {
            return false;
        }
        stopping = true;
        t.interrupt();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop = null;
        return true;
    }

    // ------------------------------------------------------------------ the loop

    private void run(ObjectStore<Pod> fenced) {
        try {
            while (!stopping && !awaitSynced(Duration.ofMillis(200))) {
                // keep waiting: nothing may be scheduled from a partial view
            }
            if (stopping) {
                return;
            }
            if (syncedNanos == 0) {
                syncedNanos = System.nanoTime();
            }
            awaitPodsCaughtUp(Duration.ofSeconds(2));
            LOG.info("caches synced: {} nodes, {} pods pending", cache.nodeCount(), queue.size());
            while (!stopping) {
                if (!binder.acquire(Duration.ofMillis(200))) {
                    continue;
                }
                QueuedPod qp = queue.pop(Duration.ofMillis(200));
                if (qp == null || stopping) {
                    binder.release();
                    if (qp != null) {
                        queue.requeueAfterError(qp, null);
                    }
                    continue;
                }
                scheduleOne(qp, fenced);
            }
        } catch (InterruptedException e) {
            // stopLeading
        } catch (RuntimeException | Error e) {
            LOG.error("scheduling loop failed", e);
            onFatal.accept(e);
        }
    }

    /**
     * Waits until the pod informer has applied the newest pod write in etcd. A scheduler
     * that just took over must see the previous leader's last binds before it counts
     * node resources, or it could overcommit a node. Bounded: on timeout it logs and goes
     * on (binds stay exactly-once either way; only resource accounting could lag).
     */
    private void awaitPodsCaughtUp(Duration timeout) throws InterruptedException {
        long newest;
        try {
            var opt = io.etcd.jetcd.options.GetOption.builder()
                    .isPrefix(true)
                    .withKeysOnly(true)
                    .withLimit(1)
                    .withSortField(io.etcd.jetcd.options.GetOption.SortTarget.MOD)
                    .withSortOrder(io.etcd.jetcd.options.GetOption.SortOrder.DESCEND)
                    .build();
            var resp = etcd.call(podsPrefix, () -> etcd.client().getKVClient().get(Etcd.bytes(podsPrefix), opt))
                    .get(etcd.requestTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            newest = resp.getKvs().isEmpty() ? 0 : resp.getKvs().get(0).getModRevision();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("could not read the newest pod revision; scheduling from the informer's view: {}", e.toString());
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (podInformer.lastRevision() < newest || !podInformer.handlersIdle()) {
            if (stopping || System.nanoTime() > deadline) {
                if (!stopping) {
                    LOG.warn(
                            "pod informer at revision {} has not caught up with {} after {}; scheduling anyway",
                            podInformer.lastRevision(),
                            newest,
                            timeout);
                }
                return;
            }
            Thread.sleep(10);
        }
    }

    private void scheduleOne(QueuedPod qp, ObjectStore<Pod> fenced) {
        attempts.incrementAndGet();
        PodInfo pod = qp.pod();
        Framework.Result r = cache.withLock(() -> {
            Framework.Result res = framework.schedule(pod, cache.nodeList());
            if (res.scheduled() && !cache.assume(pod, res.nodeName())) {
                return null;
            }
            return res;
        });
        if (r == null) {
            // the cache already holds the pod: it was bound meanwhile
            binder.release();
            queue.done(qp.key());
            return;
        }
        if (r.scheduled()) {
            if (!selectedNodes.write(pod.pod(), r.nodeName(), fencedClaims)) {
                cache.forget(pod.key());
                binder.release();
                queue.requeueAfterError(qp, null);
                return;
            }
            binder.bind(qp, r.nodeName(), fenced);
            return;
        }
        binder.release();
        unschedulable.incrementAndGet();
        metrics.attempt("unschedulable", System.nanoTime() - qp.poppedNanos());
        FitError fe = r.fitError();
        String msg = fe.message();
        LOG.info("Unable to schedule pod; no fit; waiting pod={} err=\"{}\"", pod.key(), msg);
        events.failedScheduling(pod.pod(), msg);
        binder.markUnschedulable(pod.pod(), msg, fenced);
        queue.requeueUnschedulable(qp, fe.unschedulablePlugins());
    }

    @SuppressWarnings("unchecked")
    private static <T extends com.google.protobuf.Message> ResourceEventHandler<T> cast(
            ResourceEventHandler<Object> h) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
    }

    // ------------------------------------------------------------------ informer handlers

    private boolean responsibleFor(Pod p) {
        String name = p.getSpec().getSchedulerName().isEmpty()
                ? SchedulerConfig.DEFAULT_SCHEDULER_NAME
                : p.getSpec().getSchedulerName();
        return name.equals(config.schedulerName())
                && !MirrorPods.isMirror(p)
                && p.getSpec().getNodeName().isEmpty()
                && !p.getMetadata().hasDeletionTimestamp()
                && !terminal(p);
    }

    private static boolean terminal(Pod p) {
        String phase = p.getStatus().getPhase();
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    private final class PodHandler implements ResourceEventHandler<Pod> {
        @Override
        public void onAdd(Pod p) {
            if (MirrorPods.isMirror(p)) {
                return; // a control-plane process, not a workload: never scheduled, uses no node's capacity
            }
            if (!p.getSpec().getNodeName().isEmpty()) {
                if (!terminal(p)) {
                    cache.addPod(p);
                    queue.moveOnEvent(ON_ASSIGNED_POD);
                }
            } else if (responsibleFor(p)) {
                queue.add(p);
            }
        }

        @Override
        public void onUpdate(Pod old, Pod p) {
            if (MirrorPods.isMirror(p) || MirrorPods.isMirror(old)) {
                return;
            }
            String key = Informer.keyOf(p.getMetadata());
            if (!p.getSpec().getNodeName().isEmpty()) {
                if (old.getSpec().getNodeName().isEmpty()) {
                    queue.delete(key);
                    events.forget(p.getMetadata().getUid());
                }
                if (terminal(p)) {
                    cache.removePod(key);
                    queue.moveOnEvent(ON_POD_GONE);
                } else {
                    cache.addPod(p);
                    if (old.getSpec().getNodeName().isEmpty()
                            || !old.getMetadata()
                                    .getLabelsMap()
                                    .equals(p.getMetadata().getLabelsMap())) {
                        queue.moveOnEvent(ON_ASSIGNED_POD);
                    }
                }
            } else if (responsibleFor(p)) {
                queue.update(old, p);
            } else {
                queue.delete(key);
            }
        }

        @Override
        public void onDelete(Pod p) {
            if (MirrorPods.isMirror(p)) {
                return;
            }
            String key = Informer.keyOf(p.getMetadata());
            events.forget(p.getMetadata().getUid());
            queue.delete(key);
            if (!p.getSpec().getNodeName().isEmpty() || cache.isAssumed(key)) {
                cache.removePod(key);
                queue.moveOnEvent(ON_POD_GONE);
            }
        }
    }

    private final class NodeHandler implements ResourceEventHandler<Node> {
        @Override
        public void onAdd(Node n) {
            cache.addOrUpdateNode(n);
            queue.moveOnEvent(null);
        }

        @Override
        public void onUpdate(Node old, Node n) {
            cache.addOrUpdateNode(n);
            if (schedulingRelevantChange(old, n)) {
                queue.moveOnEvent(null);
            }
        }

        @Override
        public void onDelete(Node n) {
            cache.removeNode(n.getMetadata().getName());
        }
    }

    /** Node changes that can make a pod fit: labels, taints, unschedulable, allocatable, Ready. Heartbeats are not. */
    static boolean schedulingRelevantChange(Node old, Node n) {
        return !old.getMetadata().getLabelsMap().equals(n.getMetadata().getLabelsMap())
                || !old.getSpec().getTaintsList().equals(n.getSpec().getTaintsList())
                || old.getSpec().getUnschedulable() != n.getSpec().getUnschedulable()
                || !old.getStatus().getAllocatableMap().equals(n.getStatus().getAllocatableMap())
                || !ready(old).equals(ready(n));
    }

    private static String ready(Node n) {
        for (NodeCondition c : n.getStatus().getConditionsList()) {
            if (c.getType().equals("Ready")) {
                return c.getStatus();
            }
        }
        return "";
    }

    // ------------------------------------------------------------------ observability

    /** Pods bound by this process. */
    public long boundCount() {
        return binder.boundCount();
    }

    public long bindFailures() {
        return binder.bindFailures();
    }

    public long attempts() {
        return attempts.get();
    }

    public long unschedulableAttempts() {
        return unschedulable.get();
    }

    /** System.nanoTime() when the loop first found the caches synced (0 before). */
    public long syncedNanos() {
        return syncedNanos;
    }

    /** System.nanoTime() of the latest successful bind (0 before). */
    public long lastBindNanos() {
        return binder.lastBindNanos();
    }

    public int pendingPods() {
        return queue.size();
    }

    /** Pods backing off after a failed attempt. */
    public int cachedNodes() {
        return cache.nodeCount();
    }

    /** Pods in the cache: bound (and not finished) plus assumed. */
    public int cachedPods() {
        return cache.podCount();
    }

    public int waitingPods() {
        return queue.waitingCount();
    }

    /** The Node object as the scheduler's cache holds it (null if unknown); for tests and debugging. */
    public Node cachedNode(String name) {
        var n = cache.node(name);
        return n == null ? null : n.node();
    }

    public int bindsInFlight() {
        return binder.inFlight();
    }

    /** Bound pods the pod informer's watch delivered as this scheduler wrote them, without decoding. */
    public long boundPodsNotDecoded() {
        return boundPods.hits();
    }

    public long eventsWritten() {
        return events.written();
    }

    public long eventsDropped() {
        return events.dropped();
    }

    public boolean isLeading() {
        synchronized (lifecycle) {
            return loop != null;
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            stopLoop();
        }
        queue.close();
        informers.close();
        events.close();
        parallelizer.close();
    }
}
