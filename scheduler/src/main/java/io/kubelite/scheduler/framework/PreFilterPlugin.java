package io.kubelite.scheduler.framework;

import java.util.List;

/**
 * Runs once per pod before any node is filtered, with every node in the snapshot; may
 * store state for its {@link FilterPlugin} half in the {@link CycleState}. Returning a
 * rejection rejects the pod on every node; {@link Status#SKIP} skips this plugin's filter.
 */
public interface PreFilterPlugin extends Plugin {
    Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> allNodes);
}
