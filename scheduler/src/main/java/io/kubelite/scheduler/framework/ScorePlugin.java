package io.kubelite.scheduler.framework;

import java.util.List;

/**
 * Ranks a feasible node for a pod. After every node is scored, {@link #normalize} maps
 * the raw scores onto 0..{@link #MAX_NODE_SCORE}; the framework then multiplies by the
 * plugin's weight and sums over plugins.
 */
public interface ScorePlugin extends Plugin {
    long MAX_NODE_SCORE = 100;

    long score(CycleState state, PodInfo pod, NodeInfo node);

    /** Rewrites {@code scores} (parallel to {@code nodes}) in place. Default: already in range. */
    default void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {}

    /**
     * Kubernetes' DefaultNormalizeScore: scales to 0..max by the highest score; with
     * {@code reverse}, a higher raw score becomes a lower normalized one.
     */
    static void defaultNormalize(long max, boolean reverse, long[] scores) {
        long maxCount = 0;
        for (long s : scores) {
            maxCount = Math.max(maxCount, s);
        }
        if (maxCount == 0) {
            if (reverse) {
                java.util.Arrays.fill(scores, max);
            }
            return;
        }
        for (int i = 0; i < scores.length; i++) {
            long s = max * scores[i] / maxCount;
            scores[i] = reverse ? max - s : s;
        }
    }
}
