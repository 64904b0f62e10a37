package io.kubelite.controllers.job;

import io.kubelite.api.Job;
import io.kubelite.api.Pod;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.kinds.batch.job.Jobs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube's per-index back-off ({@code spec.backoffLimitPerIndex}, indexed_job_utils.go and
 * backoff_utils.go): each pod of an index carries in the {@code batch.kubernetes.io/job-index-failure-count}
 * annotation how many earlier pods of its index failed (and, beside it, how many failures an
 * Ignore rule did not count); an index whose pod fails with that count already at the limit, or
 * by a FailIndex rule, is failed for good and not retried. The last failed pod of an index that
 * is still to be retried keeps its finalizer until its replacement exists, since the replacement
 * takes its counts from it; the replacement waits the index's own back-off.
 */
final class IndexFailures {
    /** Indexes to create pods for now, or, when none may be yet, how long until one may. */
    record Creatable(List<Integer> indexes, Duration delay) {}

    private IndexFailures() {}

    static boolean enabled(Job job) {
        return job.getSpec().hasBackoffLimitPerIndex();
    }

    /** kube's {@code calculateFailedIndexes}: {@code status.failedIndexes} plus indexes whose uncounted pod failed them. */
    static OrderedIntervals failedIndexes(Job job, List<Pod> pods) {
        int completions = job.getSpec().getCompletions();
        OrderedIntervals prev = job.getStatus().hasFailedIndexes()
                ? OrderedIntervals.parse(job.getStatus().getFailedIndexes(), completions)
                : OrderedIntervals.EMPTY;
        Set<Integer> fresh = new TreeSet<>();
        for (Pod p : pods) {
            int ix = JobPods.completionIndex(p);
            if (ix != JobPods.UNKNOWN_INDEX && ix < completions && JobPods.hasFinalizer(p) && failsIndex(job, p)) {
                fresh.add(ix);
            }
        }
        return prev.withOrderedIndexes(new ArrayList<>(fresh));
    }

    /** kube's {@code isIndexFailed}: failed by a FailIndex rule, or a counted failure at the index's limit. */
    static boolean failsIndex(Job job, Pod p) {
        if (!JobPods.isFailed(p, job)) {
            return false;
        }
        boolean counted = true;
        if (job.getSpec().hasPodFailurePolicy()) {
            PodFailurePolicies.Match m = PodFailurePolicies.match(job.getSpec().getPodFailurePolicy(), p);
            if (PodFailurePolicies.FAIL_INDEX.equals(m.action())) {
                return true;
            }
            counted = m.countFailed();
        }
        return counted && failureCount(p) >= job.getSpec().getBackoffLimitPerIndex();
    }

    /**
     * kube's {@code getPodsWithDelayedDeletionPerIndex}: per index that is neither succeeded, failed
     * nor active, its latest failed pod (most failures, latest finish) still carrying the finalizer.
     */
    static Map<Integer, Pod> delayedDeletion(
            Job job,
            List<Pod> pods,
            List<Pod> active,
            Set<String> expectedRemovals,
            OrderedIntervals succeeded,
            OrderedIntervals failed) {
        int completions = job.getSpec().getCompletions();
        Set<Integer> activeIndexes = new HashSet<>();
        active.forEach(p -> activeIndexes.add(JobPods.completionIndex(p)));
        Map<Integer, Pod> out = new HashMap<>();
        for (Pod p : pods) {
            if (!JobPods.hasFinalizer(p)
                    || expectedRemovals.contains(p.getMetadata().getUid())) {
                continue;
            }
            int ix = JobPods.completionIndex(p);
            if (ix == JobPods.UNKNOWN_INDEX || ix >= completions || !JobPods.isFailed(p, job)) {
                continue;
            }
            if (succeeded.has(ix) || failed.has(ix) || activeIndexes.contains(ix)) {
                continue;
            }
            Pod last = out.get(ix);
            if (last == null
                    || (absoluteFailureCount(last) <= absoluteFailureCount(p)
                            && !JobPods.finishedTime(p).isBefore(JobPods.finishedTime(last)))) {
                out.put(ix, p);
            }
        }
        return out;
    }

    /**
     * kube's {@code addIndexFailureCountAnnotation}: the counts a pod replacing {@code replaced}
     * (null for an index's first pod) starts with — its failure counted or, by an Ignore rule, not.
     */
    static Map<String, String> annotations(Job job, Pod replaced) {
        int failures = 0;
        int ignored = 0;
        if (replaced != null) {
            failures = failureCount(replaced);
            ignored = ignoredFailureCount(replaced);
            PodFailurePolicy policy =
                    job.getSpec().hasPodFailurePolicy() ? job.getSpec().getPodFailurePolicy() : null;
            if (PodFailurePolicies.match(policy, replaced).countFailed()) {
                failures++;
            } else {
                ignored++;
            }
        }
        Map<String, String> out = new HashMap<>();
        out.put(Jobs.INDEX_FAILURE_COUNT, Integer.toString(failures));
        if (ignored > 0) {
            out.put(Jobs.INDEX_IGNORED_FAILURE_COUNT, Integer.toString(ignored));
        }
        return out;
    }

    /**
     * kube's {@code getPodCreationInfoForIndependentIndexes}: the indexes whose own back-off (from
     * their last failed pod, {@code base} doubled per failure) has passed; when none has, the shortest wait.
     */
    static Creatable creatable(List<Integer> indexes, Map<Integer, Pod> delayed, Duration base, Clock clock) {
        List<Integer> now = new ArrayList<>();
        Duration min = null;
        for (int ix : indexes) {
            Pod last = delayed.get(ix);
            Duration wait = last == null
                    ? Duration.ZERO
                    : BackoffRecords.remainingFor(
                            absoluteFailureCount(last) + 1, JobPods.finishedTime(last), base, clock);
            if (wait.isZero()) {
                now.add(ix);
            } else if (min == null || wait.compareTo(min) < 0) {
                min = wait;
            }
        }
        return new Creatable(now, now.isEmpty() && min != null ? min : Duration.ZERO);
    }

    /** The pod's {@code job-index-failure-count}; 0 when missing or not a valid int32 (kube's {@code parseInt32}). */
    static int failureCount(Pod p) {
        return parseCount(p.getMetadata().getAnnotationsMap().get(Jobs.INDEX_FAILURE_COUNT));
    }

    static int ignoredFailureCount(Pod p) {
        return parseCount(p.getMetadata().getAnnotationsMap().get(Jobs.INDEX_IGNORED_FAILURE_COUNT));
    }

    private static int absoluteFailureCount(Pod p) {
        return failureCount(p) + ignoredFailureCount(p);
    }

    private static int parseCount(String v) {
        if (v == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            return Math.max(n, 0);
        } catch (NumberFormatException e) {
            return 0; // not a number, or beyond int32: kube reads 0 too
        }
    }
}
