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
    /*
     * Allocatable, and the sums of the pods' requests and non-zero requests, as longs in the
     * NodeInfo itself rather than three ResourceAmounts objects: NodeResourcesFit and the two
     * resource scores read them for every node of every cycle, and each object was one more
     * cache line to fetch per node.
     */
    private long allocatableMilliCpu;
    private long allocatableMemory;
    private long allocatablePods;
    private long requestedMilliCpu;
    private long requestedMemory;
    private long requestedPods;
    private long nonZeroRequestedMilliCpu;
    private long nonZeroRequestedMemory;
    private long nonZeroRequestedPods;
    private List<Taint> taints = List.of();
    /**
     * The Node's labels and cordon, copied out of the protobuf message at {@link #setNode}:
     * every filter reads them for every node of every cycle, and the message's map view is
     * a fresh wrapper per call over a scattered hash map.
     */
    private Map<String, String> labels = Map.of();
    /**
     * The last few {@link #label} lookups, by key identity: topology spread reads one key of
     * every node for every pod, and a lookup in the label map compares the key's bytes with
     * each probed entry's (topology.kubernetes.io/zone and /region share 22 of them) across
     * objects scattered in the heap. Immutable, replaced whole, so filters running in
     * parallel may race to set it and only lose a memo; cleared when the labels change.
     */
    private LabelMemo labelMemo = LabelMemo.EMPTY;

    private boolean unschedulable;
    private final Map<String, PodInfo> pods = new LinkedHashMap<>();
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
        ResourceAmounts allocatable =
                ResourceAmounts.fromMap(alloc.isEmpty() ? node.getStatus().getCapacityMap() : alloc);
        this.allocatableMilliCpu = allocatable.milliCpu;
        this.allocatableMemory = allocatable.memory;
        this.allocatablePods = allocatable.pods;
        this.taints = effectiveTaints(node);
        this.labels = Map.copyOf(node.getMetadata().getLabelsMap());
        this.labelMemo = LabelMemo.EMPTY;
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

    /**
     * The Node's label {@code key}, or null; equal to {@code labels().get(key)}, and the
     * same ({@link String#intern interned}) instance for equal values on every node.
     * Fastest when callers pass the same {@code String} instance for a key each time (e.g.
     * one interned): the last {@value LabelMemo#SIZE} keys asked for are remembered by
     * identity.
     */
    public String label(String key) {
        LabelMemo m = labelMemo;
        if (m.k0 == key) {
            return m.v0;
        }
        if (m.k1 == key) {
            return m.v1;
        }
        if (m.k2 == key) {
            return m.v2;
        }
        if (m.k3 == key) {
            return m.v3;
        }
        String v = labels.get(key);
        if (v != null) {
            // one instance per value: a caller's map keyed by these values (e.g. spread
            // counts per zone) then finds them by identity, without reading their bytes
            v = v.intern();
        }
        labelMemo = m.with(key, v);
        return v;
    }

    /**
     * Up to four keys (null: unused) with their values, the most recent first; fields rather
     * than an array, so a hit costs one object read per node.
     */
    private record LabelMemo(String k0, String v0, String k1, String v1, String k2, String v2, String k3, String v3) {
        static final int SIZE = 4;
        static final LabelMemo EMPTY = new LabelMemo(null, null, null, null, null, null, null, null);

        LabelMemo with(String key, String value) {
            return new LabelMemo(key, value, k0, v0, k1, v1, k2, v2);
        }
    }

    /** {@code spec.unschedulable} (cordoned); false while there is no Node object. */
    public boolean unschedulable() {
        return unschedulable;
    }

    public List<Taint> taints() {
        return taints;
    }

    /** The Node's allocatable (its capacity when it states none), a copy. */
    public ResourceAmounts allocatable() {
        return new ResourceAmounts(allocatableMilliCpu, allocatableMemory, allocatablePods);
    }

    /** Sum of the requests of every pod here, a copy. */
    public ResourceAmounts requested() {
        return new ResourceAmounts(requestedMilliCpu, requestedMemory, requestedPods);
    }

    /** Sum of the non-zero requests ({@link PodInfo#nonZeroRequest}) of every pod here, a copy. */
    public ResourceAmounts nonZeroRequested() {
        return new ResourceAmounts(nonZeroRequestedMilliCpu, nonZeroRequestedMemory, nonZeroRequestedPods);
    }

    // The amounts one by one, without a copy: what the per-node filter and scores read.

    public long allocatableMilliCpu() {
        return allocatableMilliCpu;
    }

    public long allocatableMemory() {
        return allocatableMemory;
    }

    public long allocatablePods() {
        return allocatablePods;
    }

    public long requestedMilliCpu() {
        return requestedMilliCpu;
    }

    public long requestedMemory() {
        return requestedMemory;
    }

    /** The pods here (each requests one). */
    public long requestedPods() {
        return requestedPods;
    }

    public long nonZeroRequestedMilliCpu() {
        return nonZeroRequestedMilliCpu;
    }

    public long nonZeroRequestedMemory() {
        return nonZeroRequestedMemory;
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
            account(old, -1);
        }
        account(p, 1);
    }

    /** Adds ({@code sign} 1) or subtracts (-1) the pod's requests to the sums. */
    private void account(PodInfo p, int sign) {
        ResourceAmounts r = p.request();
        requestedMilliCpu += sign * r.milliCpu;
        requestedMemory += sign * r.memory;
        requestedPods += sign * r.pods;
        ResourceAmounts nz = p.nonZeroRequest();
        nonZeroRequestedMilliCpu += sign * nz.milliCpu;
        nonZeroRequestedMemory += sign * nz.memory;
        nonZeroRequestedPods += sign * nz.pods;
    }

    public boolean removePod(String key) {
        podGeneration++;
        PodInfo old = pods.remove(key);
        if (old == null) {
            return false;
        }
        account(old, -1);
        return true;
    }

    @Override
    public String toString() {
        return name + "{requested " + requested() + " of " + allocatable() + "}";
    }
}
