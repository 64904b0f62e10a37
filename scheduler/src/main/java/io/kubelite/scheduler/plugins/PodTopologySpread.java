package io.kubelite.scheduler.plugins;

import io.kubelite.api.TopologySpreadConstraint;
import io.kubelite.api.labels.Selector;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FilterPlugin;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.PreFilterPlugin;
import io.kubelite.scheduler.framework.PreScorePlugin;
import io.kubelite.scheduler.framework.RequiredNodeAffinity;
import io.kubelite.scheduler.framework.ScorePlugin;
import io.kubelite.scheduler.framework.Status;
import io.kubelite.scheduler.framework.TopologySpreadCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Pod topology spread constraints, as Kubernetes defines them.
 *
 * <p>Filter (whenUnsatisfiable: DoNotSchedule): for every hard constraint, matching pods
 * are counted per domain (value of {@code topologyKey}) over the <em>eligible</em> nodes:
 * those that carry every hard constraint's key and, per the constraint's
 * nodeAffinityPolicy (default Honor) and nodeTaintsPolicy (default Ignore), pass the
 * pod's nodeSelector/required node affinity and tolerate the node's taints. A node is
 * feasible when {@code count(domain) + (pod matches itself ? 1 : 0) - min over domains
 * <= maxSkew} for every constraint; the minimum is taken as 0 while fewer than
 * {@code minDomains} domains exist. A node without a constraint's key is never a
 * candidate. Pods being deleted and pods of other namespaces are not counted.
 *
 * <p>Score (whenUnsatisfiable: ScheduleAnyway): fewer matching pods in the node's domain
 * is better, each constraint weighted by log(number of domains + 2); nodes lacking a key
 * score 0. Never filters.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    public static final String NAME = "PodTopologySpread";
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    public static final String REASON_MISSING_LABEL = REASON + " (missing required label)";
    // one instance each: Filter rejects most nodes of a spread cycle, and a Status is immutable
    private static final Status REJECTED = Status.unschedulable(NAME, REASON);
    private static final Status REJECTED_MISSING_LABEL = Status.unresolvable(NAME, REASON_MISSING_LABEL);
    private static final String PRE_FILTER = NAME + "/preFilter";
    private static final String PRE_SCORE = NAME + "/preScore";

    /** One constraint with its selector compiled. */
    record Constraint(
            int maxSkew,
            String topologyKey,
            int minDomains,
            Selector selector,
            boolean honorAffinity,
            boolean honorTaints,
            Object selectorKey) {
        boolean includes(PodInfo pod, NodeInfo node, Predicate<NodeInfo> requiredAffinity) {
            if (honorAffinity && !requiredAffinity.test(node)) {
                return false;
            }
            return !honorTaints
                    || TaintToleration.firstUntolerated(
                                    node, pod.pod().getSpec().getTolerationsList())
                            == null;
        }
    }

    /** PreFilter's result: per constraint, matching pods per domain, and the minimum. */
    record FilterState(List<Constraint> constraints, List<Map<String, Integer>> counts, int[] minMatch, int[] self) {}

    record ScoreState(
            List<Constraint> constraints,
            List<Map<String, Integer>> counts,
            double[] weights,
            Set<String> ignoredNodes) {}

    private final TopologySpreadCounts precomputed;

    /** Counts matching pods itself for every pod. */
    public PodTopologySpread() {
        this(TopologySpreadCounts.NONE);
    }

    /**
     * Takes hard constraints' counts from {@code precomputed} (the scheduler cache keeps
     * them current) whenever they mean the same as counting: the pod's constraints honour
     * no taints, and node affinity either is ignored or the pod has no required node
     * constraint. Otherwise, or when {@code precomputed} keeps nothing, counts itself.
     */
    public PodTopologySpread(TopologySpreadCounts precomputed) {
        this.precomputed = precomputed;
    }

    @Override
    public String name() {
        return NAME;
    }

    static List<Constraint> constraints(PodInfo pod, String whenUnsatisfiable) {
        List<Constraint> out = new ArrayList<>();
        for (TopologySpreadConstraint c : pod.pod().getSpec().getTopologySpreadConstraintsList()) {
            String w = c.getWhenUnsatisfiable().isEmpty() ? "DoNotSchedule" : c.getWhenUnsatisfiable();
            if (!w.equals(whenUnsatisfiable)) {
                continue;
            }
            Selector sel = c.hasLabelSelector() ? Selector.of(c.getLabelSelector()) : Selector.nothing();
            Map<String, String> exact = new HashMap<>();
            if (c.getMatchLabelKeysCount() > 0 && c.hasLabelSelector()) {
                for (String k : c.getMatchLabelKeysList()) {
                    String v = pod.labels().get(k);
                    if (v != null) {
                        exact.put(k, v);
                    }
                }
                sel = sel.and(exact);
            }
            // identifies what countMatching counts, for NodeInfo's memo
            // (serialized bytes compare faster than the message; differently ordered maps only miss the memo)
            Object selectorKey = List.of(
                    NAME,
                    pod.namespace(),
                    c.hasLabelSelector() ? c.getLabelSelector().toByteString() : "null",
                    exact);
            int minDomains = c.hasMinDomains() && c.getMinDomains() > 0 ? c.getMinDomains() : 1;
            boolean honorAffinity = !c.getNodeAffinityPolicy().equals("Ignore");
            boolean honorTaints = c.getNodeTaintsPolicy().equals("Honor");
            out.add(new Constraint(
                    Math.max(1, c.getMaxSkew()),
                    // one instance per key, so NodeInfo.label finds it by identity on every node
                    c.getTopologyKey().intern(),
                    minDomains,
                    sel,
                    honorAffinity,
                    honorTaints,
                    selectorKey));
        }
        return out;
    }

    static boolean hasAllKeys(NodeInfo node, List<Constraint> constraints) {
        for (Constraint c : constraints) {
            if (node.label(c.topologyKey()) == null) {
                return false;
            }
        }
        return true;
    }

    static int countMatching(NodeInfo node, Constraint c, String namespace) {
        Selector selector = c.selector();
        return node.countMatching(
                c.selectorKey(),
                p -> !p.terminating() && p.namespace().equals(namespace) && selector.matches(p.labels()));
    }

    // ------------------------------------------------------------------ filter

    @Override
    public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> allNodes) {
        List<Constraint> constraints = constraints(pod, "DoNotSchedule");
        if (constraints.isEmpty()) {
            return Status.SKIP;
        }
        List<Map<String, Integer>> counts = precomputedCounts(pod, constraints);
        if (counts == null) {
            counts = countedCounts(pod, constraints, allNodes);
        }
        int[] min = new int[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            Map<String, Integer> domains = counts.get(i);
            if (domains.size() < constraints.get(i).minDomains()) {
                min[i] = 0;
            } else {
                int m = Integer.MAX_VALUE;
                for (int v : domains.values()) {
                    m = Math.min(m, v);
                }
                min[i] = m;
            }
        }
        // whether the pod matches its own constraints' selectors: the same for every node
        int[] self = new int[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            self[i] = constraints.get(i).selector().matches(pod.labels()) ? 1 : 0;
        }
        state.write(PRE_FILTER, new FilterState(constraints, counts, min, self));
        return Status.SUCCESS;
    }

    /** The hard constraints' counts from {@link #precomputed}, or null where they could differ from counting. */
    private List<Map<String, Integer>> precomputedCounts(PodInfo pod, List<Constraint> constraints) {
        if (precomputed == TopologySpreadCounts.NONE) {
            return null;
        }
        boolean podHasNodeConstraints = hasRequiredNodeConstraints(pod);
        Set<String> keys = new HashSet<>();
        for (Constraint c : constraints) {
            if (c.honorTaints() || (c.honorAffinity() && podHasNodeConstraints)) {
                return null; // eligibility depends on this pod: count for it
            }
            keys.add(c.topologyKey());
        }
        List<Map<String, Integer>> out = new ArrayList<>(constraints.size());
        for (Constraint c : constraints) {
            Map<String, Integer> m =
                    precomputed.counts(c.selectorKey(), pod.namespace(), c.selector(), c.topologyKey(), keys);
            if (m == null) {
                return null;
            }
            out.add(m);
        }
        return out;
    }

    private static boolean hasRequiredNodeConstraints(PodInfo pod) {
        var spec = pod.pod().getSpec();
        return spec.getNodeSelectorCount() > 0
                || (spec.hasAffinity()
                        && spec.getAffinity().hasNodeAffinity()
                        && spec.getAffinity().getNodeAffinity().hasRequiredDuringSchedulingIgnoredDuringExecution());
    }

    /** The hard constraints' counts over {@code allNodes}, counted now for this pod. */
    static List<Map<String, Integer>> countedCounts(
            PodInfo pod, List<Constraint> constraints, List<NodeInfo> allNodes) {
        Predicate<NodeInfo> affinity = RequiredNodeAffinity.of(pod.pod().getSpec());
        List<Map<String, Integer>> counts = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            counts.add(new HashMap<>());
        }
        for (NodeInfo node : allNodes) {
            if (node.node() == null || !hasAllKeys(node, constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                Constraint c = constraints.get(i);
                if (!c.includes(pod, node, affinity)) {
                    continue;
                }
                String domain = node.label(c.topologyKey());
                int n = countMatching(node, c, pod.namespace());
                counts.get(i).merge(domain, n, Integer::sum);
            }
        }
        return counts;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        FilterState s = state.read(PRE_FILTER, FilterState.class);
        if (s == null) {
            return Status.SUCCESS;
        }
        for (int i = 0; i < s.constraints().size(); i++) {
            Constraint c = s.constraints().get(i);
            String domain = node.label(c.topologyKey());
            if (domain == null) {
                return REJECTED_MISSING_LABEL;
            }
            int matchNum = s.counts().get(i).getOrDefault(domain, 0);
            long skew = (long) matchNum + s.self()[i] - s.minMatch()[i];
            if (skew > c.maxSkew()) {
                return REJECTED;
            }
        }
        return Status.SUCCESS;
    }

    // ------------------------------------------------------------------ score

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, List<NodeInfo> allNodes) {
        List<Constraint> constraints = constraints(pod, "ScheduleAnyway");
        if (constraints.isEmpty()) {
            return Status.SKIP;
        }
        Set<String> ignored = new HashSet<>();
        List<Map<String, Integer>> counts = new ArrayList<>();
        List<Set<String>> sizes = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            counts.add(new HashMap<>());
            sizes.add(new HashSet<>());
        }
        for (NodeInfo node : feasibleNodes) {
            if (!hasAllKeys(node, constraints)) {
                ignored.add(node.name());
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                String domain = node.label(constraints.get(i).topologyKey());
                counts.get(i).put(domain, 0);
                sizes.get(i).add(domain);
            }
        }
        Predicate<NodeInfo> affinity = RequiredNodeAffinity.of(pod.pod().getSpec());
        for (NodeInfo node : allNodes) {
            if (node.node() == null || !hasAllKeys(node, constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                Constraint c = constraints.get(i);
                if (!c.includes(pod, node, affinity)) {
                    continue;
                }
                String domain = node.label(c.topologyKey());
                Map<String, Integer> m = counts.get(i);
                if (m.containsKey(domain)) {
                    m.merge(domain, countMatching(node, c, pod.namespace()), Integer::sum);
                }
            }
        }
        double[] weights = new double[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            weights[i] = Math.log(sizes.get(i).size() + 2);
        }
        state.write(PRE_SCORE, new ScoreState(constraints, counts, weights, ignored));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        ScoreState s = state.read(PRE_SCORE, ScoreState.class);
        if (s == null || s.ignoredNodes().contains(node.name())) {
            return 0;
        }
        double score = 0;
        for (int i = 0; i < s.constraints().size(); i++) {
            Constraint c = s.constraints().get(i);
            String domain = node.label(c.topologyKey());
            if (domain == null) {
                continue;
            }
            int cnt = s.counts().get(i).getOrDefault(domain, 0);
            score += cnt * s.weights()[i] + (c.maxSkew() - 1);
        }
        return Math.round(score);
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        ScoreState s = state.read(PRE_SCORE, ScoreState.class);
        if (s == null) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < scores.length; i++) {
            if (s.ignoredNodes().contains(nodes.get(i).name())) {
                continue;
            }
            min = Math.min(min, scores[i]);
            max = Math.max(max, scores[i]);
        }
        for (int i = 0; i < scores.length; i++) {
            if (s.ignoredNodes().contains(nodes.get(i).name())) {
                scores[i] = 0;
            } else if (max == 0) {
                scores[i] = MAX_NODE_SCORE;
            } else {
                scores[i] = MAX_NODE_SCORE * (max + min - scores[i]) / max;
            }
        }
    }
}
