package io.kubelite.controllers.job;

import io.kubelite.api.JobCondition;
import io.kubelite.api.JobStatus;
import io.kubelite.controllers.util.Times;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** kube's Job condition helpers ({@code newCondition}, {@code ensureJobConditionStatus}), with kube's reasons. */
final class JobConditions {
    static final String REASON_BACKOFF_LIMIT = "BackoffLimitExceeded";
    static final String MSG_BACKOFF_LIMIT = "Job has reached the specified backoff limit";
    static final String REASON_DEADLINE = "DeadlineExceeded";
    static final String MSG_DEADLINE = "Job was active longer than specified deadline";
    static final String REASON_MAX_FAILED_INDEXES = "MaxFailedIndexesExceeded";
    static final String MSG_MAX_FAILED_INDEXES = "Job has exceeded the specified maximal number of failed indexes";
    static final String REASON_FAILED_INDEXES = "FailedIndexes";
    static final String MSG_FAILED_INDEXES = "Job has failed indexes";
    static final String REASON_POD_FAILURE_POLICY = "PodFailurePolicy";
    static final String REASON_COMPLETIONS_REACHED = "CompletionsReached";
    static final String MSG_COMPLETIONS_REACHED = "Reached expected number of succeeded pods";

    private JobConditions() {}

    /** A True-or-other condition probed and transitioned now (whole seconds, as metav1.Time). */
    static JobCondition of(String type, String status, String reason, String message, Instant now) {
        var t = Times.ts(now.truncatedTo(ChronoUnit.SECONDS));
        return JobCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastProbeTime(t)
                .setLastTransitionTime(t)
                .build();
    }

    static JobCondition find(JobStatus.Builder st, String type) {
        for (JobCondition c : st.getConditionsList()) {
            if (c.getType().equals(type)) {
                return c;
            }
        }
        return null;
    }

    /**
     * kube's {@code ensureJobConditionStatus}: replaces the condition of that type when its
     * status, reason or message differ; adds it unless the new status is False. True when changed.
     */
    static boolean ensure(
            JobStatus.Builder st, String type, String status, String reason, String message, Instant now) {
        for (int i = 0; i < st.getConditionsCount(); i++) {
            JobCondition c = st.getConditions(i);
            if (c.getType().equals(type)) {
                if (!c.getStatus().equals(status)
                        || !c.getReason().equals(reason)
                        || !c.getMessage().equals(message)) {
                    st.setConditions(i, of(type, status, reason, message, now));
                    return true;
                }
                return false;
            }
        }
        if (!status.equals("False")) {
            st.addConditions(of(type, status, reason, message, now));
            return true;
        }
        return false;
    }
}
