package io.kubelite.controllers.daemon;

import io.kubelite.api.DaemonSet;
import io.kubelite.api.DaemonSetStatus;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.controllers.util.Pods;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code updateDaemonSetStatus}: over every node, the desired count is the nodes that should
 * run the pod; of those, current have a pod, ready/available judge the oldest pod, updated have it
 * at the current template; misscheduled are nodes with a pod that should not run it.
 */
final class DaemonSetStatuses {
    private DaemonSetStatuses() {}

    static DaemonSetStatus compute(
            DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> byNode, String hash, long gen, Instant now) {
        int desired = 0;
        int current = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        int misscheduled = 0;
        for (Node n : nodes) {
            boolean shouldRun = NodeEligibility.of(n, ds).shouldRun();
            List<Pod> pods = byNode.getOrDefault(n.getMetadata().getName(), List.of());
            boolean scheduled = !pods.isEmpty();
            if (!shouldRun) {
                if (scheduled) {
                    misscheduled++;
                }
                continue;
            }
            desired++;
            if (!scheduled) {
                continue;
            }
            current++;
            Pod p = NodePods.oldest(pods);
            if (Pods.isReady(p)) {
                ready++;
                if (Pods.isAvailable(p, ds.getSpec().getMinReadySeconds(), now)) {
                    available++;
                }
            }
            if (DaemonPods.isUpdated(p, hash, gen)) {
                updated++;
            }
        }
        return ds.getStatus().toBuilder()
                .setDesiredNumberScheduled(desired)
                .setCurrentNumberScheduled(current)
                .setNumberReady(ready)
                .setNumberAvailable(available)
                .setNumberUnavailable(desired - available)
                .setUpdatedNumberScheduled(updated)
                .setNumberMisscheduled(misscheduled)
                .setObservedGeneration(ds.getMetadata().getGeneration())
                .build();
    }
}
