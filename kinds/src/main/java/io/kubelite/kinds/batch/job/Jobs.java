package io.kubelite.kinds.batch.job;

import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import java.util.Optional;

/**
 * The names kube's batch API gives its labels, annotations, finalizer and conditions, and the
 * small predicates over a Job's conditions that the kind, its controllers and its columns share
 * ({@code k8s.io/api/batch/v1} constants, {@code pkg/controller/job/util}).
 */
public final class Jobs {
    /** The label of every pod of a Job (and of its generated selector): the Job's uid. */
    public static final String CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
    /** The label naming the Job on its pods. */
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    /** The unprefixed labels kube still writes beside the prefixed ones. */
    public static final String LEGACY_CONTROLLER_UID_LABEL = "controller-uid";

    public static final String LEGACY_JOB_NAME_LABEL = "job-name";
    /** Annotation (and, since kube 1.28, label) with the completion index of an Indexed Job's pod. */
    public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    /** The finalizer the Job controller keeps on its pods until it has counted them. */
    public static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    /** Annotation of a CronJob's Job: the scheduled time it was created for, RFC 3339 in the CronJob's zone. */
    public static final String CRONJOB_SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /**
     * Annotation on an Indexed Job's pod with backoffLimitPerIndex: the failures of its index
     * counted towards the limit before this pod was created.
     */
    public static final String INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
    /** Beside it: the failures of the index a pod failure policy's Ignore rule did not count. */
    public static final String INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";
    /** The {@code spec.managedBy} of Jobs this (kube's) Job controller reconciles; unset means the same. */
    public static final String JOB_CONTROLLER_NAME = "kubernetes.io/job-controller";

    public static final String NON_INDEXED = "NonIndexed";
    public static final String INDEXED = "Indexed";

    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";
    public static final String SUSPENDED = "Suspended";
    public static final String FAILURE_TARGET = "FailureTarget";
    public static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";

    private Jobs() {}

    /** The condition of {@code type}, whatever its status. */
    public static Optional<JobCondition> condition(Job job, String type) {
        for (JobCondition c : job.getStatus().getConditionsList()) {
            if (c.getType().equals(type)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Whether the Job has the condition {@code type} with status True. */
    public static boolean isTrue(Job job, String type) {
        return condition(job, type).map(c -> c.getStatus().equals("True")).orElse(false);
    }

    /** Complete or Failed: the Job controller will not touch it again (kube's {@code IsJobFinished}). */
    public static boolean isFinished(Job job) {
        return isTrue(job, COMPLETE) || isTrue(job, FAILED);
    }

    public static boolean isIndexed(Job job) {
        return INDEXED.equals(job.getSpec().getCompletionMode());
    }

    /** kube's {@code managedByExternalController}: the other controller named by {@code spec.managedBy}, if any. */
    public static Optional<String> managedByExternalController(Job job) {
        String by = job.getSpec().getManagedBy();
        return job.getSpec().hasManagedBy() && !by.equals(JOB_CONTROLLER_NAME) ? Optional.of(by) : Optional.empty();
    }

    public static boolean isSuspended(Job job) {
        return job.getSpec().hasSuspend() && job.getSpec().getSuspend();
    }
}
