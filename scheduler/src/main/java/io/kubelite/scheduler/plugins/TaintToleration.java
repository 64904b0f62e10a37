package io.kubelite.scheduler.plugins;

import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FilterPlugin;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.ScorePlugin;
import io.kubelite.scheduler.framework.Status;
import java.util.List;

/**
 * Taints and tolerations. Filter: a node with a NoSchedule or NoExecute taint the pod
 * does not tolerate is rejected ({@code node(s) had untolerated taint {key: value}}).
 * Score: fewer untolerated PreferNoSchedule taints is better (reverse-normalized).
 *
 * <p>A toleration matches a taint when its effect is empty or equal, its key is empty
 * or equal, and either its operator is Exists or (Equal or empty) the values are equal;
 * so an empty key with Exists tolerates every taint.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {
    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    public static boolean tolerates(Toleration t, Taint taint) {
        if (!t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (!t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
            return false;
        }
        switch (t.getOperator()) {
            case "":
            case "Equal":
                return t.getValue().equals(taint.getValue());
            case "Exists":
                return true;
            default:
                return false;
        }
    }

    public static boolean tolerates(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (tolerates(t, taint)) {
                return true;
            }
        }
        return false;
    }

    /** The first NoSchedule/NoExecute taint of {@code node} none of {@code tolerations} tolerates, or null. */
    public static Taint firstUntolerated(NodeInfo node, List<Toleration> tolerations) {
        for (Taint taint : node.taints()) {
            String e = taint.getEffect();
            if ((e.equals("NoSchedule") || e.equals("NoExecute")) && !tolerates(tolerations, taint)) {
                return taint;
            }
        }
        return null;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        Taint t = firstUntolerated(node, pod.pod().getSpec().getTolerationsList());
        if (t == null) {
            return Status.SUCCESS;
        }
        return Status.unresolvable(NAME, "node(s) had untolerated taint {" + t.getKey() + ": " + t.getValue() + "}");
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long count = 0;
        List<Toleration> tolerations = pod.pod().getSpec().getTolerationsList();
        for (Taint taint : node.taints()) {
            if (!taint.getEffect().equals("PreferNoSchedule")) {
                continue;
            }
            boolean tolerated = false;
            for (Toleration t : tolerations) {
                if ((t.getEffect().isEmpty() || t.getEffect().equals("PreferNoSchedule")) && tolerates(t, taint)) {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        ScorePlugin.defaultNormalize(MAX_NODE_SCORE, true, scores);
    }
}
