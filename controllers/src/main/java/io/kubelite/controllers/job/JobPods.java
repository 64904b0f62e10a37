package io.kubelite.controllers.job;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Job;
import io.kubelite.api.Pod;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.job.Jobs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What the Job controller asks of a pod: its completion index, tracking finalizer, failure and finish time. */
final class JobPods {
    static final int UNKNOWN_INDEX = -1;
    private static final Map<String, Integer> PHASE = Map.of("Pending", 0, "Unknown", 1, "Running", 2);

    private JobPods() {}

    /** The pod's completion index from its annotation, or {@link #UNKNOWN_INDEX}. */
    static int completionIndex(Pod p) {
        String v = p.getMetadata().getAnnotationsMap().get(Jobs.COMPLETION_INDEX);
        if (v == null) {
            return UNKNOWN_INDEX;
        }
        try {
            int i = Integer.parseInt(v);
            return i < 0 ? UNKNOWN_INDEX : i;
        } catch (NumberFormatException e) {
            return UNKNOWN_INDEX;
        }
    }

    static boolean hasFinalizer(Pod p) {
        return p.getMetadata().getFinalizersList().contains(Jobs.TRACKING_FINALIZER);
    }

    /** Pods are replaced only once terminal: {@code podReplacementPolicy: Failed}, implied by a pod failure policy. */
    static boolean onlyReplaceFailedPods(Job job) {
        return "Failed".equals(job.getSpec().getPodReplacementPolicy())
                || job.getSpec().hasPodFailurePolicy();
    }

    /** kube's {@code isPodFailed}: phase Failed, or (unless only failed pods are replaced) deleted before succeeding. */
    static boolean isFailed(Pod p, Job job) {
        if (p.getStatus().getPhase().equals("Failed")) {
            return true;
        }
        if (onlyReplaceFailedPods(job)) {
            return false;
        }
        return p.getMetadata().hasDeletionTimestamp()
                && !p.getStatus().getPhase().equals("Succeeded");
    }

    /** Terminating and not terminal (kube's {@code CountTerminatingPods}). */
    static boolean isTerminating(Pod p) {
        return p.getMetadata().hasDeletionTimestamp() && !Pods.isTerminal(p);
    }

    /**
     * kube's {@code getFinishedTime}: the latest container finish when every container has
     * finished, else when Ready went False, else the deletion time less the grace period, else
     * the creation time.
     */
    static Instant finishedTime(Pod p) {
        Instant latest = null;
        boolean all = p.getStatus().getContainerStatusesCount() > 0;
        for (ContainerStatus cs : p.getStatus().getContainerStatusesList()) {
            if (!cs.getState().hasTerminated()
                    || !Times.isSet(cs.getState().getTerminated().getFinishedAt())) {
                all = false;
                break;
            }
            Instant f = Times.instant(cs.getState().getTerminated().getFinishedAt());
            latest = latest == null || f.isAfter(latest) ? f : latest;
        }
        if (all && latest != null) {
            return latest;
        }
        var ready = Pods.condition(p, "Ready");
        if (ready.isPresent()
                && ready.get().getStatus().equals("False")
                && Times.isSet(ready.get().getLastTransitionTime())) {
            return Times.instant(ready.get().getLastTransitionTime());
        }
        if (p.getMetadata().hasDeletionTimestamp()) {
            return Times.instant(p.getMetadata().getDeletionTimestamp())
                    .minusSeconds(p.getMetadata().getDeletionGracePeriodSeconds());
        }
        return Times.instant(p.getMetadata().getCreationTimestamp());
    }

    /** kube's {@code controller.ActivePods}: the order in which pods are removed first. */
    static final Comparator<Pod> REMOVAL_ORDER = (a, b) -> {
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
        int restarts = Integer.compare(restarts(b), restarts(a));
        if (restarts != 0) {
            return restarts;
        }
        return Long.compare(
                b.getMetadata().getCreationTimestamp().getSeconds(),
                a.getMetadata().getCreationTimestamp().getSeconds());
    };

    private static int restarts(Pod p) {
        return p.getStatus().getContainerStatusesList().stream()
                .mapToInt(ContainerStatus::getRestartCount)
                .max()
                .orElse(0);
    }

    /**
     * kube's {@code activePodsForRemoval}: for an Indexed Job first the pods without a valid index and
     * all but one pod of a repeated index, then by {@link #REMOVAL_ORDER} up to {@code rmAtLeast}.
     */
    static List<Pod> forRemoval(Job job, List<Pod> active, int rmAtLeast) {
        List<Pod> rm = new ArrayList<>();
        List<Pod> left = new ArrayList<>();
        if (Jobs.isIndexed(job)) {
            int completions = job.getSpec().getCompletions();
            Map<Integer, List<Pod>> byIndex = new java.util.TreeMap<>();
            for (Pod p : active) {
                int ix = completionIndex(p);
                if (ix == UNKNOWN_INDEX || ix >= completions) {
                    rm.add(p);
                } else {
                    byIndex.computeIfAbsent(ix, x -> new ArrayList<>()).add(p);
                }
            }
            for (List<Pod> same : byIndex.values()) {
                same.sort(REMOVAL_ORDER);
                rm.addAll(same.subList(0, same.size() - 1));
                left.add(same.get(same.size() - 1));
            }
        } else {
            left.addAll(active);
        }
        if (rm.size() < rmAtLeast) {
            left.sort(REMOVAL_ORDER);
            rm.addAll(left.subList(0, Math.min(left.size(), rmAtLeast - rm.size())));
        }
        return rm;
    }

    /** kube's {@code firstPendingIndexes}: the lowest {@code count} indexes neither active, terminating, succeeded nor failed. */
    static List<Integer> firstPendingIndexes(
            List<Pod> active,
            List<Pod> terminating,
            OrderedIntervals succeeded,
            OrderedIntervals failed,
            int count,
            int completions) {
        Set<Integer> busy = new TreeSet<>();
        for (Pod p : active) {
            if (completionIndex(p) != UNKNOWN_INDEX) {
                busy.add(completionIndex(p));
            }
        }
        for (Pod p : terminating) {
            if (completionIndex(p) != UNKNOWN_INDEX) {
                busy.add(completionIndex(p));
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int ix = 0; ix < completions && out.size() < count; ix++) {
            if (!busy.contains(ix) && !succeeded.has(ix) && !failed.has(ix)) {
                out.add(ix);
            }
        }
        return out;
    }
}
