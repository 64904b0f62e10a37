package io.kubelite.scheduler.plugins;

import io.kubelite.scheduler.framework.Plugin;
import io.kubelite.scheduler.framework.Profile;
import io.kubelite.scheduler.framework.StorageView;
import io.kubelite.scheduler.framework.TopologySpreadCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The plugins kubelite's scheduler ships, registered by name (kube-scheduler's in-tree
 * registry), and its default profile. Adding a plugin: its class here, one registry line,
 * and its place in a profile.
 */
public final class InTreePlugins {
    private InTreePlugins() {}

    /** Every in-tree plugin's factory, by plugin name, in a cluster without storage. */
    public static Map<String, Supplier<? extends Plugin>> registry() {
        return registry(StorageView.EMPTY);
    }

    /** Every in-tree plugin's factory, by plugin name; VolumeBinding reads {@code storage}. */
    public static Map<String, Supplier<? extends Plugin>> registry(StorageView storage) {
        return registry(storage, TopologySpreadCounts.NONE);
    }

    /**
     * Every in-tree plugin's factory, by plugin name; VolumeBinding reads {@code storage},
     * PodTopologySpread takes its counts from {@code spreadCounts} where it can.
     */
    public static Map<String, Supplier<? extends Plugin>> registry(
            StorageView storage, TopologySpreadCounts spreadCounts) {
        Map<String, Supplier<? extends Plugin>> r = new LinkedHashMap<>();
        r.put(NodeUnschedulable.NAME, NodeUnschedulable::new);
        r.put(TaintToleration.NAME, TaintToleration::new);
        r.put(NodeAffinity.NAME, NodeAffinity::new);
        r.put(NodeResourcesFit.NAME, NodeResourcesFit::new);
        r.put(VolumeBindingFilter.NAME, () -> new VolumeBindingFilter(storage));
        r.put(PodTopologySpread.NAME, () -> new PodTopologySpread(spreadCounts));
        r.put(LeastAllocated.NAME, LeastAllocated::new);
        r.put(BalancedAllocation.NAME, BalancedAllocation::new);
        return r;
    }

    /**
     * kube-scheduler's default profile, limited to the plugins kubelite implements, in its
     * order and with its score weights (TaintToleration 3, NodeAffinity 2,
     * PodTopologySpread 2, the two resource scores 1).
     */
    public static Profile defaultProfile() {
        return new Profile(
                List.of(
                        NodeUnschedulable.NAME,
                        TaintToleration.NAME,
                        NodeAffinity.NAME,
                        NodeResourcesFit.NAME,
                        VolumeBindingFilter.NAME,
                        PodTopologySpread.NAME,
                        LeastAllocated.NAME,
                        BalancedAllocation.NAME),
                Map.of(
                        TaintToleration.NAME,
                        3,
                        NodeAffinity.NAME,
                        2,
                        PodTopologySpread.NAME,
                        2,
                        LeastAllocated.NAME,
                        1,
                        BalancedAllocation.NAME,
                        1));
    }
}
