package io.kubelite.controllers.daemon;

import io.kubelite.api.Pod;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The daemon pods on one node, and kube's helpers over them ({@code findUpdatedPodsOnNode}, the oldest pod). */
final class NodePods {
    /** kube's {@code podByCreationTimestampAndPhase}: running pods first, then oldest first, then by name. */
    static final Comparator<Pod> OLDEST_FIRST = Comparator.comparing(
                    (Pod p) -> !p.getStatus().getPhase().equals("Running"))
            .thenComparing(p -> Times.instant(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName());

    private NodePods() {}

    /** A node's one new and one old pod (either may be null); {@code ok} false when it has two of either. */
    record Updated(Pod newPod, Pod oldPod, boolean ok) {}

    static Updated find(List<Pod> pods, String hash, long generation) {
        Pod newPod = null;
        Pod oldPod = null;
        for (Pod p : pods) {
            if (Pods.isTerminating(p)) {
                continue;
            }
            if (DaemonPods.isUpdated(p, hash, generation)) {
                if (newPod != null) {
                    return new Updated(null, null, false);
                }
                newPod = p;
            } else {
                if (oldPod != null) {
                    return new Updated(null, null, false);
                }
                oldPod = p;
            }
        }
        return new Updated(newPod, oldPod, true);
    }

    static Pod oldest(List<Pod> pods) {
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(OLDEST_FIRST);
        return sorted.get(0);
    }

    static boolean available(Pod p, int minReadySeconds, Instant now) {
        return Pods.isAvailable(p, minReadySeconds, now);
    }
}
