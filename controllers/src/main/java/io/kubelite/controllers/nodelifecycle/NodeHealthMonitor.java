package io.kubelite.controllers.nodelifecycle;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeStatus;
import io.kubelite.controllers.ControllerOptions;
import io.kubelite.controllers.util.Times;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node health from heartbeats (Kubernetes' {@code tryUpdateNodeHealth}): which nodes this
 * term knows, and when each was last heard from.
 *
 * <p>A node's probe time moves, on this process's clock so node clock skew does not
 * matter, whenever the informer shows a new Ready heartbeat or a newer
 * {@code kube-node-lease} renewTime. Silent for longer than
 * {@code --node-monitor-grace-period} ({@code --node-startup-grace-period} while the
 * kubelet never posted a Ready condition), its Ready, MemoryPressure, DiskPressure and
 * PIDPressure conditions are written Unknown with reason {@code NodeStatusUnknown}
 * (never posted: {@code NodeStatusNeverUpdated}). The write compares on the revision the
 * informer showed, so it never overwrites a heartbeat this term has not seen.
 *
 * <p>{@link #observe} and {@link #update} are called by the monitor pass, one pass at a
 * time; {@link #currentReady} and {@link #trackedNodes} may be called from any thread.
 */
final class NodeHealthMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHealthMonitor.class);
    static final String NODE_LEASE_NS = "kube-node-lease";
    private static final List<String> KUBELET_CONDITIONS =
            List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    /**
     * One node's Ready status as the kubelet last posted it ({@code observed}; empty when
     * never) and as this term judges it ({@code current}: Unknown once silent past its
     * grace; empty while never posted and within the startup grace). {@code node} is the
     * node as last read or written.
     */
    record Readiness(Node node, String observed, String current) {}

    /** Nodes seen for the first time in a pass, and the names of those that went. */
    record Membership(List<Node> registered, List<String> removed) {}

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
    private final Informer<Lease> leaseInformer;
    private final EventRecorder recorder;
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private final Map<String, String> known = new HashMap<>(); // name -> uid; monitor pass only

    NodeHealthMonitor(
            ControllerOptions opts, ObjectStore<Node> nodes, Informer<Lease> leaseInformer, EventRecorder recorder) {
        this.opts = opts;
        this.nodes = nodes;
        this.leaseInformer = leaseInformer;
        this.recorder = recorder;
    }

    /**
     * Compares {@code all} with the nodes known so far: records {@code RegisteredNode}
     * and {@code RemovingNode} events and forgets the health of nodes that went.
     */
    Membership observe(List<Node> all) {
        List<Node> registered = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node n : all) {
            String name = n.getMetadata().getName();
            names.add(name);
            if (!known.containsKey(name)) {
                known.put(name, n.getMetadata().getUid());
                recorder.normal(
                        EventRecorder.nodeRef(name, n.getMetadata().getUid()),
                        "RegisteredNode",
                        "Node " + name + " event: Registered Node " + name + " in Controller");
                registered.add(n);
            }
        }
        List<String> removed = new ArrayList<>();
        for (String name : new ArrayList<>(known.keySet())) {
            if (!names.contains(name)) {
                String uid = known.remove(name);
                health.remove(name);
                removed.add(name);
                recorder.normal(
                        EventRecorder.nodeRef(name, uid),
                        "RemovingNode",
                        "Node " + name + " event: Removing Node " + name + " from Controller");
            }
        }
        return new Membership(registered, removed);
    }

    /** Updates the node's probe time and, when it has been silent too long, marks it Unknown. */
    Readiness update(Node node) {
        String name = node.getMetadata().getName();
        Instant now = Instant.now();
        NodeCondition ready = NodeConditions.find(node.getStatus(), "Ready");
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
            NodeStatus newStatus = withUnknownConditions(node);
            NodeCondition newReady = NodeConditions.find(newStatus, "Ready");
            if (!newReady.equals(ready)) {
                LOG.info(
                        "node {} has not been heard from for {} (grace {}); marking its conditions Unknown",
                        name,
                        Duration.between(h.probe, now).truncatedTo(ChronoUnit.MILLIS),
                        grace);
                try {
                    // compare on the observed revision: never overwrite a heartbeat we have not seen
                    node = nodes.update(node.toBuilder().setStatus(newStatus).build())
                            .get(NodeLifecycleController.WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    h.savedReady = newReady;
                    h.readyTransition = now;
                    current = "Unknown";
                } catch (Exception ex) {
                    LOG.info("could not mark node {} Unknown (will retry): {}", name, StoreFailures.message(ex));
                }
            } else {
                current = "Unknown";
            }
        }
        h.currentReady = current;
        return new Readiness(node, observed, current);
    }

    /** The node's status with every kubelet condition Unknown (added when never posted). */
    private static NodeStatus withUnknownConditions(Node node) {
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
                st.addConditions(NodeCondition.newBuilder()
                        .setType(type)
                        .setStatus("Unknown")
                        .setReason("NodeStatusNeverUpdated")
                        .setMessage("Kubelet never posted node status.")
                        .setLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                        .setLastTransitionTime(nowTs));
            } else if (!st.getConditions(idx).getStatus().equals("Unknown")) {
                st.setConditions(
                        idx,
                        st.getConditions(idx).toBuilder()
                                .setStatus("Unknown")
                                .setReason("NodeStatusUnknown")
                                .setMessage("Kubelet stopped posting node status.")
                                .setLastTransitionTime(nowTs));
            }
        }
        return st.build();
    }

    /** Gives every known node a fresh grace period, from now. */
    void restartGracePeriods() {
        Instant now = Instant.now();
        for (Health h : health.values()) {
            h.probe = now;
            h.readyTransition = now;
        }
    }

    /** The node's Ready status as of the last pass ("" before any); null for a node not tracked. */
    String currentReady(String name) {
        Health h = health.get(name);
        return h == null ? null : h.currentReady;
    }

    int trackedNodes() {
        return health.size();
    }
}
