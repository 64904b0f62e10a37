package io.kubelite.controllers.nodelifecycle;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.Taint;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.ControllerOptions;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Resources;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Node health and taint-based eviction, after kube-controller-manager's node lifecycle
 * controller.
 *
 * <p><b>Health.</b> Every {@code --node-monitor-period} each node is checked. Its probe
 * time moves (on this process's clock, so node clock skew does not matter) whenever the
 * informer shows a new Ready heartbeat or a newer {@code kube-node-lease} renewTime.
 * Silent for longer than {@code --node-monitor-grace-period} ({@code
 * --node-startup-grace-period} while the kubelet never posted a Ready condition):
 * Ready, MemoryPressure, DiskPressure and PIDPressure become Unknown with reason
 * {@code NodeStatusUnknown} and message "Kubelet stopped posting node status.", a
 * {@code NodeNotReady} event is recorded, and the node's pods get Ready=False.
 *
 * <p><b>Taints.</b> A node whose Ready is Unknown is queued for
 * {@code node.kubernetes.io/unreachable:NoExecute} (Ready False: {@code not-ready}); the
 * two are swapped at once when the state flips. Tainting drains a token bucket per zone
 * ({@code topology.kubernetes.io/region}+{@code zone} labels): {@code --node-eviction-rate}
 * normally, {@code --secondary-node-eviction-rate} in a partially disrupted zone (≥
 * {@code --unhealthy-zone-threshold} of at least 3 nodes not Ready) larger than
 * {@code --large-cluster-size-threshold}, 0 in a smaller one. When every zone is fully
 * disrupted, the controller enters "master disruption mode": it removes the NoExecute
 * taints and stops tainting until some node is Ready again (and then restarts every
 * node's grace period). The taint eviction controller deletes the pods.
 * NoSchedule taints mirror the node's conditions (not-ready, unreachable, memory/disk/pid
 * pressure, network-unavailable, unschedulable).
 *
 * <p><b>Recovery.</b> Ready=True from the kubelet removes both NoExecute taints.
 *
 * <p>Deviation from Kubernetes, for failover: a new term does not strip existing
 * NoExecute taints from the nodes it first sees (Kubernetes' {@code markNodeAsReachable}
 * on newly known nodes); it keeps them, gives every node a fresh grace period, and
 * removes them as soon as the node reports Ready.
 */
public final class NodeLifecycleController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);
    public static final String POD_NODE_INDEX = "spec.nodeName";
    static final String NODE_LEASE_NS = "kube-node-lease";
    static final String EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";
    private static final List<String> KUBELET_CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
    private static final Taint UNREACHABLE_NOEXECUTE = Taints.taint(Taints.UNREACHABLE, Taints.NO_EXECUTE);
    private static final Taint NOT_READY_NOEXECUTE = Taints.taint(Taints.NOT_READY, Taints.NO_EXECUTE);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

    /** A zone's health, named as in Kubernetes. */
    public enum ZoneState {
        INITIAL("Initial"), NORMAL("Normal"), PARTIAL_DISRUPTION("PartialDisruption"), FULL_DISRUPTION("FullDisruption");

        private final String text;

        ZoneState(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** What this term knows about one node's health. */
    private static final class Health {
        Instant probe;
        Instant readyTransition;
        NodeCondition savedReady;
        Timestamp leaseRenew;
        volatile String currentReady = "";
    }

    private final ControllerOptions opts;
    private final ObjectStore<Node> nodes;
    private final ObjectStore<Pod> pods;
    private final Informer<Node> nodeInformer;
    private final Informer<Lease> leaseInformer;
    private final Informer<Pod> podInformer;
    private final EventRecorder recorder;
    private final ScheduledExecutorService exec;

    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private final Map<String, String> known = new HashMap<>(); // name -> uid; monitor thread only
    private final Map<String, RateLimitedNodeQueue> tainters = new ConcurrentHashMap<>();
    private final Map<String, ZoneState> zoneStates = new ConcurrentHashMap<>();
    private final Set<String> evictionsDone = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public NodeLifecycleController(ControllerContext ctx) {
        this.opts = ctx.options();
        this.nodes = ctx.store().of(Resources.NODES);
        this.pods = ctx.store().of(Resources.PODS);
        this.nodeInformer = ctx.informers().get(Resources.NODES);
        this.leaseInformer = ctx.informers().get(Resources.LEASES);
        this.podInformer = ctx.informers().get(Resources.PODS);
        podIndex(podInformer);
        this.recorder = ctx.recorder();
        this.exec = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "nodelifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds the pods-by-node index (idempotent across controllers sharing the informer). */
    public static void podIndex(Informer<Pod> podInformer) {
        podInformer.addIndex(POD_NODE_INDEX, p -> p.getSpec().getNodeName().isEmpty() ? List.of() : List.of(p.getSpec().getNodeName()));
    }

    @Override
    public String name() {
        return "nodelifecycle";
    }

    @Override
    public void start() {
        long period = opts.nodeMonitorPeriod.toMillis();
        exec.scheduleWithFixedDelay(this::monitorSafely, 0, period, TimeUnit.MILLISECONDS);
        exec.scheduleWithFixedDelay(this::taintingPassSafely, 100, 100, TimeUnit.MILLISECONDS);
    }

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
            noExecuteTaintingPass();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("tainting pass failed: {}", e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ monitor

    private record Eval(Node node, String observed, String current) {
    }

    void monitorNodeHealth() {
        List<Node> all = nodeInformer.list();
        Set<String> names = new HashSet<>();
        for (Node n : all) {
            String name = n.getMetadata().getName();
            names.add(name);
            if (!known.containsKey(name)) {
                known.put(name, n.getMetadata().getUid());
                recorder.normal(EventRecorder.nodeRef(name, n.getMetadata().getUid()), "RegisteredNode",
                        "Node " + name + " event: Registered Node " + name + " in Controller");
                tainter(zoneKey(n));
            }
        }
        for (String name : new ArrayList<>(known.keySet())) {
            if (!names.contains(name)) {
                String uid = known.remove(name);
                health.remove(name);
                tainters.values().forEach(q -> q.remove(name));
                recorder.normal(EventRecorder.nodeRef(name, uid), "RemovingNode",
                        "Node " + name + " event: Removing Node " + name + " from Controller");
            }
        }

        List<Eval> evals = new ArrayList<>(all.size());
        Map<String, List<String>> zoneConditions = new HashMap<>();
        for (Node n : all) {
            Eval e;
            try {
                e = tryUpdateNodeHealth(n);
            } catch (RuntimeException ex) {
                LOG.warn("cannot update health of node {}: {}", n.getMetadata().getName(), ex.getMessage());
                continue;
            }
            evals.add(e);
            if (!e.node().getMetadata().getLabelsMap().containsKey(EXCLUDE_DISRUPTION)) {
                zoneConditions.computeIfAbsent(zoneKey(n), z -> new ArrayList<>()).add(e.current());
            }
        }
        handleDisruption(zoneConditions, all);

        for (Eval e : evals) {
            Node n = e.node();
            String name = n.getMetadata().getName();
            if (e.current().isEmpty()) {
                continue; // never posted status and still within the startup grace
            }
            try {
                processTaintBaseEviction(n, e.current());
                if (!e.current().equals("True")) {
                    if (e.observed().equals("True")) {
                        recorder.normal(EventRecorder.nodeRef(name, n.getMetadata().getUid()), "NodeNotReady",
                                "Node " + name + " status is now: NodeNotReady");
                    }
                    markPodsNotReady(name);
                }
                reconcileNoScheduleTaints(name);
            } catch (RuntimeException ex) {
                LOG.warn("node {}: {}", name, ex.getMessage());
            }
        }
    }

    private Eval tryUpdateNodeHealth(Node node) {
        String name = node.getMetadata().getName();
        Instant now = Instant.now();
        NodeCondition ready = condition(node.getStatus(), "Ready");
        Health h = health.get(name);
        Duration grace;
        String observed;
        if (ready == null) {
            observed = "";
            grace = opts.nodeStartupGracePeriod;
            if (h == null) {
                h = new Health();
                Instant created = Times.instant(node.getMetadata().getCreationTimestamp());
                h.probe = created;
                h.readyTransition = created;
                health.put(name, h);
            }
        } else {
            observed = ready.getStatus();
            grace = opts.nodeMonitorGracePeriod;
            if (h == null) {
                h = new Health();
                h.probe = now;
                h.readyTransition = now;
                health.put(name, h);
            } else if (h.savedReady == null) {
                h.probe = now;
                h.readyTransition = now;
            } else if (!h.savedReady.getLastHeartbeatTime().equals(ready.getLastHeartbeatTime())) {
                h.probe = now;
                if (!h.savedReady.getStatus().equals(ready.getStatus())) {
                    h.readyTransition = now;
                }
            }
            h.savedReady = ready;
        }
        Lease lease = leaseInformer.get(NODE_LEASE_NS, name).orElse(null);
        if (lease != null && lease.getSpec().hasRenewTime()) {
            Timestamp renew = lease.getSpec().getRenewTime();
            if (h.leaseRenew == null || Times.instant(h.leaseRenew).isBefore(Times.instant(renew))) {
                h.leaseRenew = renew;
                h.probe = now;
            }
        }
        String current = observed;
        if (now.isAfter(h.probe.plus(grace))) {
            NodeStatus.Builder st = node.getStatus().toBuilder();
            Timestamp nowTs = Times.nowSeconds();
            for (String type : KUBELET_CONDITIONS) {
                int idx = -1;
                for (int i = 0; i < st.getConditionsCount(); i++) {
                    if (st.getConditions(i).getType().equals(type)) {
                        idx = i;
                    }
                }
                if (idx < 0) {
                    st.addConditions(NodeCondition.newBuilder().setType(type).setStatus("Unknown")
                            .setReason("NodeStatusNeverUpdated").setMessage("Kubelet never posted node status.")
                            .setLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                            .setLastTransitionTime(nowTs));
                } else if (!st.getConditions(idx).getStatus().equals("Unknown")) {
                    st.setConditions(idx, st.getConditions(idx).toBuilder().setStatus("Unknown")
                            .setReason("NodeStatusUnknown").setMessage("Kubelet stopped posting node status.")
                            .setLastTransitionTime(nowTs));
                }
            }
            NodeStatus newStatus = st.build();
            NodeCondition newReady = condition(newStatus, "Ready");
            if (!newReady.equals(ready)) {
                LOG.info("node {} has not been heard from for {} (grace {}); marking its conditions Unknown", name,
                        Duration.between(h.probe, now).truncatedTo(java.time.temporal.ChronoUnit.MILLIS), grace);
                try {
                    // compare on the observed revision: never overwrite a heartbeat we have not seen
                    node = nodes.update(node.toBuilder().setStatus(newStatus).build()).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    h.savedReady = newReady;
                    h.readyTransition = now;
                    current = "Unknown";
                } catch (Exception ex) {
                    LOG.info("could not mark node {} Unknown (will retry): {}", name, rootMessage(ex));
                }
            } else {
                current = "Unknown";
            }
        }
        h.currentReady = current;
        return new Eval(node, observed, current);
    }

    private void handleDisruption(Map<String, List<String>> zoneConditions, List<Node> all) {
        Map<String, ZoneState> newStates = new HashMap<>();
        boolean allAreFullyDisrupted = true;
        for (Map.Entry<String, List<String>> e : zoneConditions.entrySet()) {
            ZoneState s = computeZoneState(e.getValue());
            if (s != ZoneState.FULL_DISRUPTION) {
                allAreFullyDisrupted = false;
            }
            newStates.put(e.getKey(), s);
            zoneStates.putIfAbsent(e.getKey(), ZoneState.INITIAL);
        }
        boolean allWasFullyDisrupted = true;
        for (String zone : new ArrayList<>(zoneStates.keySet())) {
            if (!zoneConditions.containsKey(zone)) {
                zoneStates.remove(zone);
                continue;
            }
            if (zoneStates.get(zone) != ZoneState.FULL_DISRUPTION) {
                allWasFullyDisrupted = false;
            }
        }
        if (zoneConditions.isEmpty()) {
            return;
        }
        if (allAreFullyDisrupted && allWasFullyDisrupted) {
            return;
        }
        if (allAreFullyDisrupted) {
            LOG.info("Controller detected that all Nodes are not-Ready. Entering master disruption mode");
            for (Node n : all) {
                markNodeAsReachable(n);
            }
            for (String zone : zoneStates.keySet()) {
                tainter(zone).swapLimiter(0);
                zoneStates.put(zone, ZoneState.FULL_DISRUPTION);
            }
            return;
        }
        if (allWasFullyDisrupted) {
            LOG.info("Controller detected that some Nodes are Ready. Exiting master disruption mode");
            Instant now = Instant.now();
            for (Health h : health.values()) {
                h.probe = now;
                h.readyTransition = now;
            }
            for (String zone : zoneStates.keySet()) {
                setLimiterInZone(zone, zoneConditions.get(zone).size(), newStates.get(zone));
                zoneStates.put(zone, newStates.get(zone));
            }
            return;
        }
        for (Map.Entry<String, ZoneState> e : zoneStates.entrySet()) {
            ZoneState ns = newStates.get(e.getKey());
            if (e.getValue() == ns) {
                continue;
            }
            LOG.info("Controller detected that zone \"{}\" is now in state {}", printableZone(e.getKey()), ns);
            setLimiterInZone(e.getKey(), zoneConditions.get(e.getKey()).size(), ns);
            e.setValue(ns);
        }
    }

    ZoneState computeZoneState(List<String> readyStatuses) {
        int ready = 0;
        int notReady = 0;
        for (String s : readyStatuses) {
            if (s.equals("True")) {
                ready++;
            } else {
                notReady++;
            }
        }
        if (ready == 0 && notReady > 0) {
            return ZoneState.FULL_DISRUPTION;
        }
        if (notReady > 2 && (double) notReady / (notReady + ready) >= opts.unhealthyZoneThreshold) {
            return ZoneState.PARTIAL_DISRUPTION;
        }
        return ZoneState.NORMAL;
    }

    private void setLimiterInZone(String zone, int zoneSize, ZoneState state) {
        double qps = switch (state) {
            case NORMAL, INITIAL, FULL_DISRUPTION -> opts.nodeEvictionRate;
            case PARTIAL_DISRUPTION -> zoneSize > opts.largeClusterSizeThreshold ? opts.secondaryNodeEvictionRate : 0;
        };
        tainter(zone).swapLimiter(qps);
    }

    private RateLimitedNodeQueue tainter(String zone) {
        return tainters.computeIfAbsent(zone, z -> new RateLimitedNodeQueue(opts.nodeEvictionRate));
    }

    private void processTaintBaseEviction(Node n, String ready) {
        String name = n.getMetadata().getName();
        switch (ready) {
            case "False" -> {
                if (Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE)) {
                    swapTaints(name, NOT_READY_NOEXECUTE, UNREACHABLE_NOEXECUTE);
                } else {
                    markNodeForTainting(n, Taints.NOT_READY);
                }
            }
            case "Unknown" -> {
                if (Taints.has(n, Taints.NOT_READY, Taints.NO_EXECUTE)) {
                    swapTaints(name, UNREACHABLE_NOEXECUTE, NOT_READY_NOEXECUTE);
                } else {
                    markNodeForTainting(n, Taints.UNREACHABLE);
                }
            }
            case "True" -> markNodeAsReachable(n);
            default -> {
            }
        }
    }

    private void markNodeForTainting(Node n, String taintKey) {
        RateLimitedNodeQueue q = tainter(zoneKey(n));
        String name = n.getMetadata().getName();
        if (!Taints.has(n, taintKey, Taints.NO_EXECUTE)) {
            if (!q.contains(name)) {
                LOG.info("node {} is {}; queued for the {}:NoExecute taint", name,
                        taintKey.equals(Taints.UNREACHABLE) ? "unresponsive" : "NotReady", taintKey);
            }
            q.add(name);
        }
    }

    private void markNodeAsReachable(Node n) {
        String name = n.getMetadata().getName();
        tainters.values().forEach(q -> q.remove(name));
        if (Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE) || Taints.has(n, Taints.NOT_READY, Taints.NO_EXECUTE)) {
            updateTaints(name, List.of(), List.of(UNREACHABLE_NOEXECUTE, NOT_READY_NOEXECUTE));
            LOG.info("removed NoExecute taints from node {}", name);
        }
    }

    private void noExecuteTaintingPass() {
        for (RateLimitedNodeQueue q : tainters.values()) {
            q.tryProcess(name -> {
                Node n = nodeInformer.get(null, name).orElse(null);
                Health h = health.get(name);
                if (n == null || h == null) {
                    return true;
                }
                Taint add;
                Taint remove;
                switch (h.currentReady) {
                    case "False" -> {
                        add = NOT_READY_NOEXECUTE;
                        remove = UNREACHABLE_NOEXECUTE;
                    }
                    case "Unknown" -> {
                        add = UNREACHABLE_NOEXECUTE;
                        remove = NOT_READY_NOEXECUTE;
                    }
                    default -> {
                        return true; // ready again: nothing to taint
                    }
                }
                boolean ok = swapTaints(name, add, remove);
                if (ok) {
                    LOG.info("node {} tainted {}:NoExecute", name, add.getKey());
                }
                return ok;
            });
        }
    }

    private boolean swapTaints(String node, Taint add, Taint remove) {
        return updateTaints(node, List.of(add), List.of(remove));
    }

    private boolean updateTaints(String node, List<Taint> add, List<Taint> remove) {
        try {
            nodes.guaranteedUpdate(null, node, cur -> Taints.swap(cur, add, remove))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            if (Pods.isGone(e)) {
                return true;
            }
            LOG.warn("could not update taints of node {}: {}", node, rootMessage(e));
            return false;
        }
    }

    /** Mirrors conditions into NoSchedule taints, as Kubernetes' TaintNodesByCondition does. */
    private void reconcileNoScheduleTaints(String name) {
        Node n = nodeInformer.get(null, name).orElse(null);
        if (n == null) {
            return;
        }
        Map<String, Boolean> want = new HashMap<>();
        NodeCondition ready = condition(n.getStatus(), "Ready");
        String rs = ready == null ? "" : ready.getStatus();
        want.put(Taints.NOT_READY, rs.equals("False"));
        want.put(Taints.UNREACHABLE, rs.equals("Unknown"));
        want.put("node.kubernetes.io/memory-pressure", isTrue(n, "MemoryPressure"));
        want.put("node.kubernetes.io/disk-pressure", isTrue(n, "DiskPressure"));
        want.put("node.kubernetes.io/pid-pressure", isTrue(n, "PIDPressure"));
        want.put("node.kubernetes.io/network-unavailable", isTrue(n, "NetworkUnavailable"));
        want.put("node.kubernetes.io/unschedulable", n.getSpec().getUnschedulable());
        List<Taint> add = new ArrayList<>();
        List<Taint> remove = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : want.entrySet()) {
            boolean has = Taints.has(n, e.getKey(), Taints.NO_SCHEDULE);
            if (e.getValue() && !has) {
                add.add(Taints.taint(e.getKey(), Taints.NO_SCHEDULE));
            } else if (!e.getValue() && has) {
                remove.add(Taints.taint(e.getKey(), Taints.NO_SCHEDULE));
            }
        }
        if (!add.isEmpty() || !remove.isEmpty()) {
            updateTaints(name, add, remove);
        }
    }

    private static boolean isTrue(Node n, String type) {
        NodeCondition c = condition(n.getStatus(), type);
        return c != null && c.getStatus().equals("True");
    }

    /** Level-based MarkPodsNotReady: every pod on the node still Ready=True gets Ready=False. */
    private void markPodsNotReady(String node) {
        List<CompletableFuture<Pod>> writes = new ArrayList<>();
        for (Pod p : podInformer.byIndex(POD_NODE_INDEX, node)) {
            if (!Pods.isReady(p) || !p.getSpec().getNodeName().equals(node)) {
                continue;
            }
            writes.add(pods.guaranteedUpdate(p.getMetadata().getNamespace(), p.getMetadata().getName(),
                    Preconditions.uid(p.getMetadata().getUid()), cur -> {
                        if (!Pods.isReady(cur)) {
                            return cur;
                        }
                        PodCondition c = Pods.condition(cur, "Ready").orElseThrow().toBuilder()
                                .setStatus("False").setLastTransitionTime(Times.nowSeconds()).build();
                        return cur.toBuilder().setStatus(Pods.withCondition(cur.getStatus(), c)).build();
                    }));
        }
        int failed = 0;
        for (CompletableFuture<Pod> f : writes) {
            try {
                f.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    failed++;
                }
            }
        }
        if (!writes.isEmpty()) {
            LOG.info("marked {} pods on node {} NotReady{}", writes.size() - failed, node,
                    failed > 0 ? " (" + failed + " failed; retrying next period)" : "");
        }
    }

    // ------------------------------------------------------------------ helpers

    static NodeCondition condition(NodeStatus st, String type) {
        for (NodeCondition c : st.getConditionsList()) {
            if (c.getType().equals(type)) {
                return c;
            }
        }
        return null;
    }

    /** Kubernetes' GetZoneKey: region and zone labels, empty when neither is set. */
    public static String zoneKey(Node n) {
        Map<String, String> l = n.getMetadata().getLabelsMap();
        String region = l.getOrDefault("topology.kubernetes.io/region", l.getOrDefault("failure-domain.beta.kubernetes.io/region", ""));
        String zone = l.getOrDefault("topology.kubernetes.io/zone", l.getOrDefault("failure-domain.beta.kubernetes.io/zone", ""));
        if (region.isEmpty() && zone.isEmpty()) {
            return "";
        }
        return region + ":\0:" + zone;
    }

    private static String printableZone(String z) {
        return z.replace(":\0:", "/");
    }

    /** The current state of a zone, by its region/zone labels (tests, metrics). */
    public ZoneState zoneState(String region, String zone) {
        String k = region.isEmpty() && zone.isEmpty() ? "" : region + ":\0:" + zone;
        return zoneStates.getOrDefault(k, ZoneState.INITIAL);
    }

    /** Number of nodes tracked (tests). */
    public int trackedNodes() {
        return health.size();
    }

    static String rootMessage(Throwable t) {
        StoreException se = StoreException.unwrap(t);
        if (se != null) {
            return se.getMessage();
        }
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.toString();
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
        evictionsDone.clear();
    }
}
