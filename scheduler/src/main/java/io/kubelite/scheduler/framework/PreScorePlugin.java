package io.kubelite.scheduler.framework;

import java.util.List;

/** Runs once per pod after filtering, with the feasible nodes and the whole snapshot. {@link Status#SKIP} skips this plugin's score. */
public interface PreScorePlugin extends Plugin {
    Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, List<NodeInfo> allNodes);
}
