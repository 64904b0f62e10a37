package io.kubelite.scheduler.framework;

import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.Taint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node as the scheduler sees it: the Node object (null while only pods refer to a
 * node the informer has not delivered yet), the pods on it (bound and assumed), and the
 * sums of their requests. Mutated only under the scheduler cache's lock.
 */
public final class NodeInfo {
    public static final String TAINT_NOT_READY = "node.kubernetes.io/not-ready";
    public static final String TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

    private final String name;
    private Node node;
    private ResourceAmounts allocatable = new ResourceAmounts();
    private List<Taint> taints = List.of();
    /**
     * The Node's labels and cordon, copied out of the protobuf message at {@link #setNode}:
     * every filter reads them for every node of every cycle, and the message's map view is
     * a fresh wrapper per call over a scattered hash map.
     */
    private Map<String, String> labels = Map.of();

    private boolean unschedulable;
    private final Map<String, PodInfo> pods = new LinkedHashMap<>();
    private final ResourceAmounts requested = new ResourceAmounts();
    private final ResourceAmounts nonZeroRequested = new ResourceAmounts();
    /** Bumped whenever the pod set changes; invalidates {@link #matchCounts}. */
    private long podGeneration;
    /** Memoized {@link #countMatching} results: selector key → {generation, count}. */
    private final Map<Object, long[]> matchCounts = new java.util.HashMap<>();

    private static final int MAX_MEMOIZED_SELECTORS = 64;

    public NodeInfo(String name) {
        this.name = name;
    }

    /** A node with pods, for tests and the cache. */
    public static NodeInfo of(Node node, PodInfo... pods) {
        NodeInfo n = new NodeInfo(node.getMetadata().getName());
        n.setNode(node);
        for (PodInfo p : pods) {
            n.addPod(p);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public Node node() {
        return node;
    }

    public void setNode(Node node) {
        this.node = node;
        Map<String, String> alloc = node.getStatus().getAllocatableMap();
        this.allocatable =
                ResourceAmounts.fromMap(alloc.isEmpty() ? node.getStatus().getCapacityMap() : alloc);
        this.taints = effectiveTaints(node);
        this.labels = Map.copyOf(node.getMetadata().getLabelsMap());
        this.unschedulable = node.getSpec().getUnschedulable();
    }

    /**
     * The node's taints, plus the NoSchedule taint Kubernetes' TaintNodesByCondition puts
     * on a node whose Ready condition is not True ({@code node.kubernetes.io/not-ready}
     * for False, {@code node.kubernetes.io/unreachable} for Unknown), unless the node
     * already carries it. kubelite's controller-manager writes such taints only when a
     * node goes silent; a NotReady node must not be chosen meanwhile. A node without a
     * Ready condition is taken as it is.
     */
    static List<Taint> effectiveTaints(Node node) {
        List<Taint> ts = node.getSpec().getTaintsList();
        for (NodeCondition c : node.getStatus().getConditionsList()) {
            if (c.getType().equals("Ready") && !c.getStatus().equals("True")) {
                String key = c.getStatus().equals("False") ? TAINT_NOT_READY : TAINT_UNREACHABLE;
                for (Taint t : ts) {
                    if (t.getKey().equals(key) && !t.getEffect().equals("PreferNoSchedule")) {
                        return ts;
                    }
                }
                List<Taint> out = new ArrayList<>(ts);
                out.add(Taint.newBuilder().setKey(key).setEffect("NoSchedule").build());
                return List.copyOf(out);
            }
        }
        return ts;
    }

    /** The Node's labels (empty while there is no Node object). */
    public Map<String, String> labels() {
        return labels;
    }

    /** {@code spec.unschedulable} (cordoned); false while there is no Node object. */
    public boolean unschedulable() {
        return unschedulable;
    }

    public List<Taint> taints() {
        return taints;
    }

    public ResourceAmounts allocatable() {
        return allocatable;
    }

    /** Sum of the requests of every pod here. Do not mutate. */
    public ResourceAmounts requested() {
        return requested;
    }

    public ResourceAmounts nonZeroRequested() {
        return nonZeroRequested;
    }

    public Collection<PodInfo> pods() {
        return pods.values();
    }

    public int podCount() {
        return pods.size();
    }

    /** The pod of {@code key} here, or null. */
    public PodInfo pod(String key) {
        return pods.get(key);
    }

    public boolean hasPod(String key) {
        return pods.containsKey(key);
    }

    /**
     * The number of pods here that {@code matches} accepts, memoized under {@code key}
     * (which must identify the predicate, e.g. namespace + selector) until the pod set
     * changes. Topology spread counts the same selector on every node for every pod; this
     * keeps that cost proportional to the nodes whose pods changed.
     */
    public int countMatching(Object key, java.util.function.Predicate<PodInfo> matches) {
        long[] memo = matchCounts.get(key);
        if (memo != null && memo[0] == podGeneration) {
            return (int) memo[1];
        }
        int n = 0;
        for (PodInfo p : pods.values()) {
            if (matches.test(p)) {
                n++;
            }
        }
        if (memo == null) {
            if (matchCounts.size() >= MAX_MEMOIZED_SELECTORS) {
                matchCounts.clear();
            }
            matchCounts.put(key, new long[] {podGeneration, n});
        } else {
            memo[0] = podGeneration;
            memo[1] = n;
        }
        return n;
    }

    public void addPod(PodInfo p) {
        podGeneration++;
        PodInfo old = pods.put(p.key(), p);
        if (old != null) {
            requested.subtract(old.request());
            nonZeroRequested.subtract(old.nonZeroRequest());
        }
        requested.add(p.request());
        nonZeroRequested.add(p.nonZeroRequest());
    }

    public boolean removePod(String key) {
        podGeneration++;
        PodInfo old = pods.remove(key);
        if (old == null) {
            return false;
        }
        requested.subtract(old.request());
        nonZeroRequested.subtract(old.nonZeroRequest());
        return true;
    }

    @Override
    public String toString() {
        return name + "{requested " + requested + " of " + allocatable + "}";
    }
}
