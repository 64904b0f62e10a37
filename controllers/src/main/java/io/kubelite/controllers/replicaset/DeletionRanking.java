package io.kubelite.controllers.replicaset;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which pods a ReplicaSet scales down first (Kubernetes' {@code ActivePodsWithRanks}):
 * unscheduled before scheduled; Pending before Unknown before Running; not ready before
 * ready; more pods of the same set on the node first; ready for less time first; more
 * container restarts first; newer before older.
 */
final class DeletionRanking {
    private DeletionRanking() {}

    private static final Map<String, Integer> PHASE = Map.of("Pending", 0, "Unknown", 1, "Running", 2);

    static Comparator<Pod> comparator(List<Pod> related) {
        Map<String, Long> perNode = new java.util.HashMap<>();
        for (Pod p : related) {
            if (!p.getSpec().getNodeName().isEmpty()) {
                perNode.merge(p.getSpec().getNodeName(), 1L, Long::sum);
            }
        }
        return (a, b) -> {
            boolean ua = a.getSpec().getNodeName().isEmpty();
            boolean ub = b.getSpec().getNodeName().isEmpty();
            if (ua != ub) {
                return ua ? -1 : 1;
            }
            int pa = PHASE.getOrDefault(a.getStatus().getPhase(), 0);
            int pb = PHASE.getOrDefault(b.getStatus().getPhase(), 0);
            if (pa != pb) {
                return Integer.compare(pa, pb);
            }
            boolean ra = Pods.isReady(a);
            boolean rb = Pods.isReady(b);
            if (ra != rb) {
                return ra ? 1 : -1;
            }
            long ka = ua ? 0 : perNode.getOrDefault(a.getSpec().getNodeName(), 0L);
            long kb = ub ? 0 : perNode.getOrDefault(b.getSpec().getNodeName(), 0L);
            if (ka != kb) {
                return Long.compare(kb, ka);
            }
            if (ra) {
                int c = afterOrZero(Pods.readySince(a), Pods.readySince(b));
                if (c != 0) {
                    return c;
                }
            }
            int restartsA = restarts(a);
            int restartsB = restarts(b);
            if (restartsA != restartsB) {
                return Integer.compare(restartsB, restartsA);
            }
            return afterOrZero(created(a), created(b));
        };
    }

    /** Later (or unset) first. */
    private static int afterOrZero(Instant x, Instant y) {
        boolean zx = x == null || x.getEpochSecond() == 0;
        boolean zy = y == null || y.getEpochSecond() == 0;
        if (zx || zy) {
            return zx == zy ? 0 : (zx ? -1 : 1);
        }
        return y.compareTo(x);
    }

    private static Instant created(Pod p) {
        return Times.instant(p.getMetadata().getCreationTimestamp());
    }

    private static int restarts(Pod p) {
        int max = 0;
        for (ContainerStatus c : p.getStatus().getContainerStatusesList()) {
            max = Math.max(max, c.getRestartCount());
        }
        return max;
    }
}
