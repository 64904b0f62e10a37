package io.kubelite.controllers.daemon;

import com.google.protobuf.Value;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's DaemonSet {@code rollingUpdate} (pkg/controller/daemon/update.go), node by node. Without
 * surge it deletes old pods — unavailable ones at once, available ones only while fewer than
 * maxUnavailable nodes lack an available updated pod — and lets the manage loop create their
 * replacements. With surge it creates an updated pod beside an old one on up to maxSurge nodes (and
 * at once where the old pod is unavailable), and deletes the old pod when the new one is available.
 * Both are computed over nodes that should run the pod and hold at least one.
 */
final class RollingUpdate {
    /** What one rolling-update step does: pods to delete and nodes to create an updated pod on. */
    record Step(List<Pod> delete, List<String> create) {}

    private RollingUpdate() {}

    static boolean isRollingUpdate(DaemonSet ds) {
        return ds.getSpec().getUpdateStrategy().getType().equals("RollingUpdate");
    }

    static boolean allowsSurge(DaemonSet ds) {
        return isRollingUpdate(ds)
                && scaled(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge(), 1) > 0;
    }

    /** {@code GetScaledValueFromIntOrPercent(v, total, roundUp=true)}; a non-value counts as 0. */
    static int scaled(Value v, int total) {
        if (v.hasNumberValue()) {
            return (int) v.getNumberValue();
        }
        String s = v.getStringValue();
        if (s.endsWith("%")) {
            try {
                int pct = Integer.parseInt(s.substring(0, s.length() - 1));
                return (int) Math.ceil(pct * (double) total / 100.0);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * kube's {@code updatedDesiredNodeCounts}: maxSurge and maxUnavailable scaled over the nodes that
     * should run the pod, rounding up; both 0 (a percentage of no nodes) means maxUnavailable 1.
     */
    static int[] limits(DaemonSet ds, int desired) {
        var ru = ds.getSpec().getUpdateStrategy().getRollingUpdate();
        int surge = scaled(ru.getMaxSurge(), desired);
        int unavailable = scaled(ru.getMaxUnavailable(), desired);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    /** {@code byNode}: the eligible nodes' pods, in a stable node order. */
    static Step step(
            DaemonSet ds, Map<String, List<Pod>> byNode, int desired, String hash, long generation, Instant now) {
        int[] lim = limits(ds, desired);
        int maxSurge = lim[0];
        int maxUnavailable = lim[1];
        int minReady = ds.getSpec().getMinReadySeconds();
        if (maxSurge == 0) {
            int numUnavailable = 0;
            List<Pod> allowed = new ArrayList<>();
            List<Pod> candidates = new ArrayList<>();
            for (List<Pod> pods : byNode.values()) {
                NodePods.Updated u = NodePods.find(pods, hash, generation);
                if (!u.ok()) {
                    numUnavailable++;
                    continue;
                }
                if ((u.oldPod() == null) == (u.newPod() == null)) {
                    numUnavailable++;
                } else if (u.newPod() != null) {
                    if (!NodePods.available(u.newPod(), minReady, now)) {
                        numUnavailable++;
                    }
                } else if (!NodePods.available(u.oldPod(), minReady, now)) {
                    // replaced at once, and counted against maxUnavailable (as kube's current update.go does)
                    allowed.add(u.oldPod());
                    numUnavailable++;
                } else if (numUnavailable < maxUnavailable) {
                    candidates.add(u.oldPod());
                }
            }
            int remaining = Math.max(0, Math.min(maxUnavailable - numUnavailable, candidates.size()));
            List<Pod> delete = new ArrayList<>(allowed);
            delete.addAll(candidates.subList(0, remaining));
            return new Step(delete, List.of());
        }
        List<Pod> delete = new ArrayList<>();
        List<String> allowedNodes = new ArrayList<>();
        List<String> candidateNodes = new ArrayList<>();
        int numSurge = 0;
        for (Map.Entry<String, List<Pod>> e : byNode.entrySet()) {
            NodePods.Updated u = NodePods.find(e.getValue(), hash, generation);
            if (!u.ok()) {
                numSurge++;
                continue;
            }
            if (u.oldPod() == null) {
                continue;
            }
            if (u.newPod() == null) {
                if (!NodePods.available(u.oldPod(), minReady, now)) {
                    allowedNodes.add(e.getKey());
                } else if (numSurge < maxSurge) {
                    candidateNodes.add(e.getKey());
                }
            } else if (!NodePods.available(u.newPod(), minReady, now)) {
                numSurge++;
            } else {
                delete.add(u.oldPod());
            }
        }
        int remaining = Math.max(0, Math.min(maxSurge - numSurge, candidateNodes.size()));
        List<String> create = new ArrayList<>(allowedNodes);
        create.addAll(candidateNodes.subList(0, remaining));
        return new Step(delete, create);
    }
}
