package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.ControllerOptions;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node health and taint-based eviction, after kube-controller-manager's node lifecycle
 * controller.
 *
 * <p><b>Health</b> ({@link NodeHealthMonitor}). Every {@code --node-monitor-period} each
 * node is checked. Silent for longer than {@code --node-monitor-grace-period}
 * ({@code --node-startup-grace-period} while the kubelet never posted a Ready
 * condition), its kubelet conditions become Unknown with reason
 * {@code NodeStatusUnknown} and message "Kubelet stopped posting node status.", a
 * {@code NodeNotReady} event is recorded, and the node's pods get Ready=False
 * ({@link PodNotReadyMarker}).
 *
 * <p><b>Taints.</b> A node whose Ready is Unknown is queued for
 * {@code node.kubernetes.io/unreachable:NoExecute} (Ready False: {@code not-ready}); the
 * two are swapped at once when the state flips ({@link NoExecuteTainter}). Tainting
 * drains a token bucket per zone at the rate the zone's state selects, and stops
 * altogether while every zone is fully disrupted ({@link ZoneDisruption}). The taint
 * eviction controller deletes the pods. NoSchedule taints mirror the node's conditions
 * ({@link NoScheduleTainter}).
 *
 * <p><b>Recovery.</b> Ready=True from the kubelet removes both NoExecute taints.
 *
 * <p>Deviation from Kubernetes, for failover: a new term does not strip existing
 * NoExecute taints from the nodes it first sees (Kubernetes' {@code markNodeAsReachable}
 * on newly known nodes); it keeps them, gives every node a fresh grace period, and
 * removes them as soon as the node reports Ready.
 *
 * <p>This class is the coordinator: it owns the two threads, runs the monitor pass
 * (health, then zone states, then each node's taints and pods, so that zone states are
 * known before any node of the pass is queued) every period and the NoExecute tainting
 * pass every 100 ms, and ends both on {@link #close()} (idempotent).
 */
public final class NodeLifecycleController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);
    public static final String POD_NODE_INDEX = "spec.nodeName";
    /** How long one write of this controller waits before it counts as failed (and is retried). */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

    private static final long TAINTING_PASS_MILLIS = 100;

    private final ControllerOptions opts;
    private final Informer<Node> nodeInformer;
    private final EventRecorder recorder;
    private final NodeHealthMonitor health;
    private final NoExecuteTainter noExecute;
    private final NoScheduleTainter noSchedule;
    private final ZoneDisruption zones;
    private final PodNotReadyMarker podsNotReady;
    private final ScheduledExecutorService exec;
    private volatile boolean closed;

    public NodeLifecycleController(ControllerContext ctx) {
        this.opts = ctx.options();
        this.nodeInformer = ctx.informers().get(NodeKind.RESOURCE);
        Informer<Lease> leaseInformer = ctx.informers().get(LeaseKind.RESOURCE);
        Informer<Pod> podInformer = ctx.informers().get(PodKind.RESOURCE);
        podIndex(podInformer);
        this.recorder = ctx.recorder();
        ObjectStore<Node> nodes = ctx.store().of(NodeKind.RESOURCE);
        NodeTaintWriter taints = new NodeTaintWriter(nodes);
        this.health = new NodeHealthMonitor(opts, nodes, leaseInformer, recorder);
        this.noExecute = new NoExecuteTainter(opts.nodeEvictionRate, nodeInformer, health, taints);
        this.noSchedule = new NoScheduleTainter(nodeInformer, taints);
        this.zones = new ZoneDisruption(opts, noExecute, health);
        this.podsNotReady = new PodNotReadyMarker(ctx.store().of(PodKind.RESOURCE), podInformer);
        this.exec = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "nodelifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds the pods-by-node index (idempotent across controllers sharing the informer). */
    public static void podIndex(Informer<Pod> podInformer) {
        podInformer.addIndex(
                POD_NODE_INDEX,
                // mirror pods are left out: their node name is a host, and no node's
                // health, taints or pod GC concerns them
                p -> p.getSpec().getNodeName().isEmpty() || MirrorPods.isMirror(p)
                        ? List.of()
                        : List.of(p.getSpec().getNodeName()));
    }

    @Override
    public String name() {
        return "nodelifecycle";
    }

    @Override
    public void start() {
        long period = opts.nodeMonitorPeriod.toMillis();
        exec.scheduleWithFixedDelay(this::monitorSafely, 0, period, TimeUnit.MILLISECONDS);
        exec.scheduleWithFixedDelay(
                this::taintingPassSafely, TAINTING_PASS_MILLIS, TAINTING_PASS_MILLIS, TimeUnit.MILLISECONDS);
    }

    // a task that throws is never run again by the executor: catch, log, go on next period
    private void monitorSafely() {
        if (closed) {
            return;
        }
        try {
            monitorNodeHealth();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("node health monitoring pass failed: {}", e.toString(), e);
            }
        }
    }

    private void taintingPassSafely() {
        if (closed) {
            return;
        }
        try {
            noExecute.taintQueued();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("tainting pass failed: {}", e.toString());
            }
        }
    }

    /** One monitor pass over every node the informer shows. */
    void monitorNodeHealth() {
        List<Node> all = nodeInformer.list();
        NodeHealthMonitor.Membership membership = health.observe(all);
        for (Node n : membership.registered()) {
            noExecute.addZone(ZoneDisruption.zoneKey(n));
        }
        membership.removed().forEach(noExecute::forget);

        List<NodeHealthMonitor.Readiness> readiness = new ArrayList<>(all.size());
        for (Node n : all) {
            try {
                readiness.add(health.update(n));
            } catch (RuntimeException ex) {
                LOG.warn("cannot update health of node {}: {}", n.getMetadata().getName(), ex.getMessage());
            }
        }
        zones.update(readiness, all);

        for (NodeHealthMonitor.Readiness r : readiness) {
            Node n = r.node();
            String name = n.getMetadata().getName();
            if (r.current().isEmpty()) {
                continue; // never posted status and still within the startup grace
            }
            try {
                noExecute.reconcile(n, r.current());
                if (!r.current().equals("True")) {
                    if (r.observed().equals("True")) {
                        recorder.normal(
                                EventRecorder.nodeRef(name, n.getMetadata().getUid()),
                                "NodeNotReady",
                                "Node " + name + " status is now: NodeNotReady");
                    }
                    podsNotReady.markPodsOn(name);
                }
                noSchedule.reconcile(name);
            } catch (RuntimeException ex) {
                LOG.warn("node {}: {}", name, ex.getMessage());
            }
        }
    }

    /** Kubernetes' GetZoneKey: region and zone labels, empty when neither is set. */
    public static String zoneKey(Node n) {
        return ZoneDisruption.zoneKey(n);
    }

    /** The current state of a zone, by its region/zone labels (tests, metrics). */
    public ZoneState zoneState(String region, String zone) {
        return zones.state(ZoneDisruption.zoneKey(region, zone));
    }

    /** Number of nodes tracked (tests). */
    public int trackedNodes() {
        return health.trackedNodes();
    }

    @Override
    public void close() {
        closed = true;
        exec.shutdownNow();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
