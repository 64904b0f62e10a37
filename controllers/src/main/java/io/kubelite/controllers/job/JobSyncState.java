package io.kubelite.controllers.job;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import io.kubelite.api.JobStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.UncountedTerminatedPods;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.batch.job.Jobs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sync of one Job (kube's {@code syncJobCtx}): its pods, the counts derived from them and from
 * the status, and the status being built. Not thread-safe; lives for one sync.
 */
final class JobSyncState {
    /** Whether a Job has run longer than activeDeadlineSeconds. */
    interface Deadline {
        boolean passed(Job job, JobStatus.Builder status, Instant now);
    }

    final Job job;
    final List<Pod> pods;
    final List<Pod> active = new ArrayList<>();
    final Set<String> expectedRemovals;
    final JobStatus.Builder status;
    final Instant now;
    final List<Pod> newSucceeded = new ArrayList<>();
    final List<Pod> newFailed = new ArrayList<>();
    int activeCount;
    int ready;
    int terminating;
    int succeeded;
    int failed;
    OrderedIntervals prevSucceededIndexes = OrderedIntervals.EMPTY;
    OrderedIntervals succeededIndexes = OrderedIntervals.EMPTY;
    /** With backoffLimitPerIndex: the failed indexes, known and new; else null (no {@code status.failedIndexes}). */
    OrderedIntervals failedIndexes;
    /** With backoffLimitPerIndex: per index to retry, the failed pod its replacement counts from. */
    Map<Integer, Pod> delayedDeletion = Map.of();

    JobCondition finished;

    JobSyncState(Job job, List<Pod> pods, Set<String> expectedRemovals, Instant now) {
        this.job = job;
        this.pods = pods;
        this.expectedRemovals = expectedRemovals;
        this.now = now;
        this.status = job.getStatus().toBuilder();
        status.getUncountedTerminatedPodsBuilder(); // present, as kube's sync makes it
        for (Pod p : pods) {
            if (Pods.isActive(p)) {
                active.add(p);
                if (Pods.isReady(p)) {
                    ready++;
                }
            }
            if (JobPods.isTerminating(p)) {
                terminating++;
            }
        }
        activeCount = active.size();
        UncountedTerminatedPods u = status.getUncountedTerminatedPods();
        for (Pod p : pods) {
            String uid = p.getMetadata().getUid();
            if (!JobPods.hasFinalizer(p) || expectedRemovals.contains(uid) || !validIndex(p)) {
                continue;
            }
            if (p.getStatus().getPhase().equals("Succeeded")
                    && !u.getSucceededList().contains(uid)) {
                newSucceeded.add(p);
            } else if (JobPods.isFailed(p, job) && !u.getFailedList().contains(uid)) {
                newFailed.add(p);
            }
        }
        succeeded = status.getSucceeded() + newSucceeded.size() + u.getSucceededCount();
        int counted = 0;
        for (Pod p : newFailed) {
            if (PodFailurePolicies.match(policy(), p).countFailed()) {
                counted++;
            }
        }
        failed = status.getFailed() + counted + u.getFailedCount();
        if (Jobs.isIndexed(job)) {
            int completions = job.getSpec().getCompletions();
            prevSucceededIndexes = OrderedIntervals.parse(status.getCompletedIndexes(), completions);
            List<Integer> fresh = pods.stream()
                    .filter(p -> p.getStatus().getPhase().equals("Succeeded") && JobPods.hasFinalizer(p))
                    .map(JobPods::completionIndex)
                    .filter(ix -> ix != JobPods.UNKNOWN_INDEX && ix < completions)
                    .sorted()
                    .distinct()
                    .toList();
            succeededIndexes = prevSucceededIndexes.withOrderedIndexes(fresh);
            succeeded = succeededIndexes.total();
            if (IndexFailures.enabled(job)) {
                failedIndexes = IndexFailures.failedIndexes(job, pods);
                delayedDeletion = IndexFailures.delayedDeletion(
                        job, pods, active, expectedRemovals, succeededIndexes, failedIndexes);
            }
        }
    }

    private boolean validIndex(Pod p) {
        if (!Jobs.isIndexed(job)) {
            return true;
        }
        int ix = JobPods.completionIndex(p);
        return ix != JobPods.UNKNOWN_INDEX && ix < job.getSpec().getCompletions();
    }

    private io.kubelite.api.PodFailurePolicy policy() {
        return job.getSpec().hasPodFailurePolicy() ? job.getSpec().getPodFailurePolicy() : null;
    }

    /**
     * The condition a finishing Job works towards, decided before pods are managed, in kube's
     * order: one already set (SuccessCriteriaMet, or FailureTarget → Failed), a FailJob rule
     * matched, too many failures, the deadline passed; for an Indexed Job then more failed indexes
     * than maxFailedIndexes or every index finished with some failed, then its success policy
     * met. Null when the Job goes on.
     */
    JobCondition finishedConditionBeforeManage(Deadline deadline) {
        JobCondition c = globalFinishedCondition(deadline);
        if (c == null && failedIndexes != null) {
            int failedCount = failedIndexes.total();
            if (job.getSpec().hasMaxFailedIndexes()
                    && failedCount > job.getSpec().getMaxFailedIndexes()) {
                c = JobConditions.of(
                        Jobs.FAILURE_TARGET,
                        "True",
                        JobConditions.REASON_MAX_FAILED_INDEXES,
                        JobConditions.MSG_MAX_FAILED_INDEXES,
                        now);
            } else if (failedCount > 0
                    && failedCount + succeededIndexes.total() >= job.getSpec().getCompletions()) {
                c = JobConditions.of(
                        Jobs.FAILURE_TARGET,
                        "True",
                        JobConditions.REASON_FAILED_INDEXES,
                        JobConditions.MSG_FAILED_INDEXES,
                        now);
            }
        }
        if (c == null && Jobs.isIndexed(job) && job.getSpec().hasSuccessPolicy()) {
            String msg = SuccessPolicies.match(
                    job.getSpec().getSuccessPolicy(), job.getSpec().getCompletions(), succeededIndexes);
            if (msg != null) {
                c = JobConditions.of(Jobs.SUCCESS_CRITERIA_MET, "True", SuccessPolicies.REASON, msg, now);
            }
        }
        return c;
    }

    private JobCondition globalFinishedCondition(Deadline deadline) {
        JobCondition met = JobConditions.find(status, Jobs.SUCCESS_CRITERIA_MET);
        if (met != null && met.getStatus().equals("True")) {
            return met;
        }
        JobCondition target = JobConditions.find(status, Jobs.FAILURE_TARGET);
        if (target != null && target.getStatus().equals("True")) {
            return JobConditions.of(Jobs.FAILED, "True", target.getReason(), target.getMessage(), now);
        }
        if (job.getSpec().hasPodFailurePolicy()) {
            for (Pod p : pods) {
                if (JobPods.isFailed(p, job)) {
                    String msg = PodFailurePolicies.match(policy(), p).failJobMessage();
                    if (msg != null) {
                        return JobConditions.of(
                                Jobs.FAILURE_TARGET, "True", JobConditions.REASON_POD_FAILURE_POLICY, msg, now);
                    }
                }
            }
        }
        if (failed > job.getSpec().getBackoffLimit() || pastBackoffLimitOnFailure()) {
            return JobConditions.of(
                    Jobs.FAILURE_TARGET,
                    "True",
                    JobConditions.REASON_BACKOFF_LIMIT,
                    JobConditions.MSG_BACKOFF_LIMIT,
                    now);
        }
        if (deadline.passed(job, status, now)) {
            return JobConditions.of(
                    Jobs.FAILURE_TARGET, "True", JobConditions.REASON_DEADLINE, JobConditions.MSG_DEADLINE, now);
        }
        return null;
    }

    /** kube's {@code pastBackoffLimitOnFailure}: with restartPolicy OnFailure, container restarts count. */
    private boolean pastBackoffLimitOnFailure() {
        if (!job.getSpec().getTemplate().getSpec().getRestartPolicy().equals("OnFailure")) {
            return false;
        }
        int restarts = 0;
        for (Pod p : pods) {
            String phase = p.getStatus().getPhase();
            if (phase.equals("Running") || phase.equals("Pending")) {
                for (ContainerStatus cs : p.getStatus().getInitContainerStatusesList()) {
                    restarts += cs.getRestartCount();
                }
                for (ContainerStatus cs : p.getStatus().getContainerStatusesList()) {
                    restarts += cs.getRestartCount();
                }
            }
        }
        int limit = job.getSpec().getBackoffLimit();
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /**
     * kube's {@code cleanUncountedPodsWithoutFinalizers}: uncounted pods whose finalizer is gone
     * move to the counters. True when the status changed.
     */
    boolean cleanUncounted(Set<String> withFinalizer) {
        UncountedTerminatedPods.Builder u = status.getUncountedTerminatedPodsBuilder();
        boolean changed = false;
        List<String> keep =
                u.getSucceededList().stream().filter(withFinalizer::contains).toList();
        if (keep.size() != u.getSucceededCount()) {
            status.setSucceeded(status.getSucceeded() + u.getSucceededCount() - keep.size());
            u.clearSucceeded().addAllSucceeded(keep);
            changed = true;
        }
        keep = u.getFailedList().stream().filter(withFinalizer::contains).toList();
        if (keep.size() != u.getFailedCount()) {
            status.setFailed(status.getFailed() + u.getFailedCount() - keep.size());
            u.clearFailed().addAllFailed(keep);
            changed = true;
        }
        return changed;
    }
}
