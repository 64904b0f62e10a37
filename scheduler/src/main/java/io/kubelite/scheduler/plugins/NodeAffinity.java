package io.kubelite.scheduler.plugins;

import io.kubelite.api.PreferredSchedulingTerm;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FilterPlugin;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.NodeSelectors;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.PreFilterPlugin;
import io.kubelite.scheduler.framework.PreScorePlugin;
import io.kubelite.scheduler.framework.RequiredNodeAffinity;
import io.kubelite.scheduler.framework.ScorePlugin;
import io.kubelite.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code spec.nodeSelector} and node affinity. Filter: the node must match the
 * nodeSelector and, if set, one of the required terms (terms ORed, expressions ANDed;
 * In, NotIn, Exists, DoesNotExist, Gt, Lt). Score: the sum of the weights of the
 * preferred terms the node matches, normalized to 0..100 by the best node.
 */
public final class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    public static final String NAME = "NodeAffinity";
    public static final String REASON = "node(s) didn't match Pod's node affinity/selector";
    /** Immutable, so one instance serves every rejected node. */
    private static final Status REJECTED = Status.unresolvable(NAME, REASON);

    private static final String REQUIRED = NAME + "/required";
    private static final String PREFERRED = NAME + "/preferred";

    private record Weighted(int weight, Predicate<NodeInfo> term) {}

    private record Preferred(List<Weighted> terms) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> allNodes) {
        state.write(REQUIRED, RequiredNodeAffinity.of(pod.pod().getSpec()));
        return Status.SUCCESS;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        Predicate<NodeInfo> required = state.read(REQUIRED, Predicate.class);
        if (required == null) {
            required = RequiredNodeAffinity.of(pod.pod().getSpec());
        }
        return required.test(node) ? Status.SUCCESS : REJECTED;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, List<NodeInfo> allNodes) {
        var spec = pod.pod().getSpec();
        if (!spec.hasAffinity()
                || !spec.getAffinity().hasNodeAffinity()
                || spec.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecutionCount()
                        == 0) {
            return Status.SKIP;
        }
        List<Weighted> terms = new ArrayList<>();
        for (PreferredSchedulingTerm t :
                spec.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecutionList()) {
            if (t.getWeight() != 0) {
                terms.add(new Weighted(t.getWeight(), NodeSelectors.nodeSelectorTerm(t.getPreference())));
            }
        }
        state.write(PREFERRED, new Preferred(terms));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Preferred p = state.read(PREFERRED, Preferred.class);
        if (p == null) {
            return 0;
        }
        long sum = 0;
        for (Weighted w : p.terms()) {
            if (w.term().test(node)) {
                sum += w.weight();
            }
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        ScorePlugin.defaultNormalize(MAX_NODE_SCORE, false, scores);
    }
}
