package io.kubelite.scheduler.cache;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.TopologySpreadCounts;
import io.kubelite.store.informer.Informer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduler's view of the cluster: every node, and on each node the pods bound to it
 * plus the pods this scheduler has <em>assumed</em> there (chosen, bind in flight, not yet
 * seen bound through the informer). Fed by the pod and node informers; assume/forget by
 * the scheduling loop and the binder.
 *
 * <p>Pod lifecycle here, as in kube-scheduler: {@link #assume} → the bind txn completes →
 * {@link #finishBinding} (still assumed) → the informer delivers the bound pod →
 * {@link #addPod} confirms it. A failed bind calls {@link #forget}. If the informer shows
 * the pod bound to another node than assumed (another scheduler won), the pod moves there.
 *
 * <p>Thread-safe: every method takes the cache's lock; {@link #withLock} runs a whole
 * scheduling cycle under it so filters see one consistent state.
 */
public final class SchedulerCache {
    private static final class PodState {
        PodInfo pod;
        String nodeName;
        boolean assumed;
        boolean bindingFinished;
    }

    private final Object lock = new Object();
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();
    private List<NodeInfo> nodeList = List.of();
    private boolean nodeListDirty;
    private final IncrementalSpreadCounts spread = new IncrementalSpreadCounts(lock, nodes::values);

    /**
     * Topology spread counts kept current with this cache's pods and nodes (including
     * assumed pods), for PodTopologySpread.
     */
    public TopologySpreadCounts spreadCounts() {
        return spread;
    }

    /** {@code p} is on {@code n} from now on (replacing the pod of the same key there). */
    private void place(NodeInfo n, PodInfo p) {
        PodInfo old = n.pod(p.key());
        if (old != null) {
            spread.podRemoved(n, old);
        }
        n.addPod(p);
        spread.podAdded(n, p);
    }

    /** The pod of {@code key} leaves {@code n}. */
    private void unplace(NodeInfo n, String key) {
        PodInfo old = n.pod(key);
        if (old != null) {
            spread.podRemoved(n, old);
            n.removePod(key);
        }
    }

    /** Runs {@code body} holding the cache's lock. */
    public <T> T withLock(Supplier<T> body) {
        synchronized (lock) {
            return body.get();
        }
    }

    /**
     * The nodes with a Node object, in a stable order (by name). Call under
     * {@link #withLock}; the list must not be kept past it.
     */
    public List<NodeInfo> nodeList() {
        synchronized (lock) {
            if (nodeListDirty) {
                List<NodeInfo> l = new ArrayList<>();
                for (NodeInfo n : nodes.values()) {
                    if (n.node() != null) {
                        l.add(n);
                    }
                }
                l.sort((a, b) -> a.name().compareTo(b.name()));
                nodeList = Collections.unmodifiableList(l);
                nodeListDirty = false;
            }
            return nodeList;
        }
    }

    private NodeInfo nodeInfo(String name) {
        return nodes.computeIfAbsent(name, NodeInfo::new);
    }

    private void dropIfGhost(String name) {
        NodeInfo n = nodes.get(name);
        if (n != null && n.node() == null && n.podCount() == 0) {
            nodes.remove(name);
        }
    }

    // ------------------------------------------------------------------ nodes

    public void addOrUpdateNode(Node node) {
        synchronized (lock) {
            NodeInfo n = nodeInfo(node.getMetadata().getName());
            if (n.node() == null) {
                nodeListDirty = true;
            }
            // spread domains follow labels; heartbeats and status changes leave them alone
            boolean relabeled =
                    n.node() == null || !n.labels().equals(node.getMetadata().getLabelsMap());
            if (relabeled) {
                spread.nodeRemoved(n);
            }
            n.setNode(node);
            if (relabeled) {
                spread.nodeAdded(n);
            }
        }
    }

    /** Removes the node; its pods stay accounted on a node-less entry until they go. */
    public void removeNode(String name) {
        synchronized (lock) {
            NodeInfo n = nodes.get(name);
            if (n == null) {
                return;
            }
            spread.nodeRemoved(n);
            if (n.podCount() == 0) {
                nodes.remove(name);
            } else {
                NodeInfo ghost = new NodeInfo(name);
                n.pods().forEach(ghost::addPod);
                nodes.put(name, ghost);
            }
            nodeListDirty = true;
        }
    }

    public NodeInfo node(String name) {
        synchronized (lock) {
            return nodes.get(name);
        }
    }

    public int nodeCount() {
        return nodeList().size();
    }

    // ------------------------------------------------------------------ pods

    /** Records a pod bound to a node (informer add or update); confirms it if it was assumed. */
    public void addPod(Pod pod) {
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName.isEmpty()) {
            throw new IllegalArgumentException("pod " + pod.getMetadata().getName() + " is not bound");
        }
        String key = Informer.keyOf(pod.getMetadata());
        synchronized (lock) {
            PodState s = pods.get(key);
            // the pod this scheduler assumed and bound, seen bound: its requests are known
            PodInfo info = PodInfo.updated(s == null ? null : s.pod, pod);
            if (s == null) {
                s = new PodState();
                pods.put(info.key(), s);
            } else if (!s.nodeName.equals(nodeName)) {
                unplace(nodes.get(s.nodeName), info.key());
                dropIfGhost(s.nodeName);
            }
            s.pod = info;
            s.nodeName = nodeName;
            s.assumed = false;
            place(nodeInfo(nodeName), info);
        }
    }

    /** Removes a pod (deleted, or finished and no longer holding resources), assumed or not. */
    public void removePod(String key) {
        synchronized (lock) {
            PodState s = pods.remove(key);
            if (s != null) {
                NodeInfo n = nodes.get(s.nodeName);
                if (n != null) {
                    unplace(n, key);
                    dropIfGhost(s.nodeName);
                }
            }
        }
    }

    /**
     * Places {@code pod} on {@code nodeName} before the bind is written, so the next
     * scheduling cycles count it. False if the cache already holds the pod.
     */
    public boolean assume(PodInfo pod, String nodeName) {
        synchronized (lock) {
            if (pods.containsKey(pod.key())) {
                return false;
            }
            PodState s = new PodState();
            s.pod = pod;
            s.nodeName = nodeName;
            s.assumed = true;
            pods.put(pod.key(), s);
            place(nodeInfo(nodeName), pod);
            return true;
        }
    }

    /** The bind txn succeeded; the pod stays assumed until the informer shows it bound. */
    public void finishBinding(String key) {
        synchronized (lock) {
            PodState s = pods.get(key);
            if (s != null && s.assumed) {
                s.bindingFinished = true;
            }
        }
    }

    /** The bind failed: drops the assumption, unless the informer has already confirmed a binding. */
    public void forget(String key) {
        synchronized (lock) {
            PodState s = pods.get(key);
            if (s != null && s.assumed) {
                removePod(key);
            }
        }
    }

    public boolean isAssumed(String key) {
        synchronized (lock) {
            PodState s = pods.get(key);
            return s != null && s.assumed;
        }
    }

    /** Number of pods assumed and not yet confirmed by the informer. */
    public int assumedCount() {
        synchronized (lock) {
            int n = 0;
            for (PodState s : pods.values()) {
                if (s.assumed) {
                    n++;
                }
            }
            return n;
        }
    }

    public int podCount() {
        synchronized (lock) {
            return pods.size();
        }
    }
}
