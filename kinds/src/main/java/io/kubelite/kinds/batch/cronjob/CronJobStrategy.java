package io.kubelite.kinds.batch.cronjob;

import io.kubelite.api.CronJob;
import io.kubelite.api.CronJobSpec;
import io.kubelite.api.JobSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.batch.job.JobSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's CronJob strategy and defaults ({@code SetDefaults_CronJob}, {@code validateCronJobSpec}):
 * concurrencyPolicy Allow, suspend false, successfulJobsHistoryLimit 3, failedJobsHistoryLimit 1,
 * the job template's pod template scheme defaults (the job template itself is not Job-defaulted,
 * as in kube); a schedule robfig's standard parser accepts, no {@code TZ=} in it, an IANA
 * timeZone, a job template whose selector will be generated, names of at most 52 characters.
 */
final class CronJobStrategy implements Strategy<CronJob> {
    static final List<String> POLICIES = List.of("Allow", "Forbid", "Replace");
    private static final Pattern TZ_PART = Pattern.compile("^[A-Za-z.\\-_0-9+]{1,14}$");

    @Override
    public CronJob defaults(CronJob cj) {
        CronJob.Builder b = cj.toBuilder();
        CronJobSpec.Builder s = b.getSpecBuilder();
        if (s.getConcurrencyPolicy().isEmpty()) {
            s.setConcurrencyPolicy("Allow");
        }
        if (!s.hasSuspend()) {
            s.setSuspend(false);
        }
        if (!s.hasSuccessfulJobsHistoryLimit()) {
            s.setSuccessfulJobsHistoryLimit(3);
        }
        if (!s.hasFailedJobsHistoryLimit()) {
            s.setFailedJobsHistoryLimit(1);
        }
        JobSpec.Builder js = s.getJobTemplateBuilder().getSpecBuilder();
        if (js.hasTemplate()) {
            js.getTemplateBuilder()
                    .setSpec(PodSpecDefaults.scheme(js.getTemplate().getSpec()));
        }
        return b.build();
    }

    @Override
    public CronJob prepareForCreate(CronJob cj) {
        return cj.toBuilder().clearStatus().build();
    }

    @Override
    public CronJob prepareForUpdate(CronJob cj, CronJob old) {
        CronJob.Builder b = cj.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(CronJob cj, FieldErrors errs) {
        CronJobSpec s = cj.getSpec();
        if (s.getSchedule().isEmpty()) {
            errs.required("spec.schedule");
        } else {
            try {
                CronSchedule.parse(s.getSchedule());
            } catch (CronSchedule.InvalidScheduleException e) {
                errs.invalid("spec.schedule", s.getSchedule(), e.getMessage());
            }
            if (s.getSchedule().contains("TZ")) {
                errs.invalid(
                        "spec.schedule",
                        s.getSchedule(),
                        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
            }
        }
        if (s.hasStartingDeadlineSeconds() && s.getStartingDeadlineSeconds() < 0) {
            errs.invalid(
                    "spec.startingDeadlineSeconds",
                    s.getStartingDeadlineSeconds(),
                    "must be greater than or equal to 0");
        }
        if (s.hasTimeZone()) {
            timeZone(s.getTimeZone(), errs);
        }
        if (s.getConcurrencyPolicy().isEmpty()) {
            errs.required("spec.concurrencyPolicy");
        } else if (!POLICIES.contains(s.getConcurrencyPolicy())) {
            errs.notSupported("spec.concurrencyPolicy", s.getConcurrencyPolicy(), POLICIES);
        }
        JobSpec js = s.getJobTemplate().getSpec();
        JobSpecValidation.validate(js, "spec.jobTemplate.spec", errs);
        if (js.hasSelector()) {
            errs.invalidNoValue("spec.jobTemplate.spec.selector", "`selector` will be auto-generated");
        }
        if (js.hasManualSelector() && js.getManualSelector()) {
            errs.notSupported("spec.jobTemplate.spec.manualSelector", "true", List.of("nil", "false"));
        }
        if (s.hasSuccessfulJobsHistoryLimit() && s.getSuccessfulJobsHistoryLimit() < 0) {
            errs.invalid(
                    "spec.successfulJobsHistoryLimit",
                    s.getSuccessfulJobsHistoryLimit(),
                    "must be greater than or equal to 0");
        }
        if (s.hasFailedJobsHistoryLimit() && s.getFailedJobsHistoryLimit() < 0) {
            errs.invalid(
                    "spec.failedJobsHistoryLimit", s.getFailedJobsHistoryLimit(), "must be greater than or equal to 0");
        }
        if (cj.getMetadata().getName().length() > 52) {
            errs.invalid("metadata.name", cj.getMetadata().getName(), "must be no more than 52 characters");
        }
    }

    /** kube's {@code validateTimeZone}. */
    private static void timeZone(String tz, FieldErrors errs) {
        if (tz.isEmpty()) {
            errs.invalid("spec.timeZone", "", "timeZone must be nil or non-empty string");
            return;
        }
        for (String part : tz.split("/", -1)) {
            if (part.equals(".")
                    || part.equals("..")
                    || part.startsWith("-")
                    || !TZ_PART.matcher(part).matches()) {
                errs.invalid("spec.timeZone", tz, "unknown time zone " + tz);
                return;
            }
        }
        if (tz.equalsIgnoreCase("Local")) {
            errs.invalid(
                    "spec.timeZone",
                    tz,
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
            return;
        }
        if (zone(tz) == null) {
            errs.invalid("spec.timeZone", tz, "unknown time zone " + tz);
        }
    }

    /** The zone of an IANA name, or null when Java does not know it. */
    static ZoneId zone(String tz) {
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
