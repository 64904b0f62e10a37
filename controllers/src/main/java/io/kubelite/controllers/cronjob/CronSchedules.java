package io.kubelite.controllers.cronjob;

import io.kubelite.api.CronJob;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.cronjob.CronSchedule;
import java.time.Duration;
import java.time.Instant;

/**
 * kube's CronJob time arithmetic ({@code pkg/controller/cronjob/utils.go}): the most recent
 * activation a CronJob missed, how many it missed, and when to look again.
 */
final class CronSchedules {
    /** kube's {@code nextScheduleDelta}: a little past the activation, against clock skew. */
    static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);

    enum Missed {
        NONE,
        FEW,
        MANY
    }

    /**
     * @param earliest the last schedule time, else the creation time (or the starting deadline, when later)
     * @param mostRecent the latest activation not after now, null when there is none
     */
    record Recent(Instant earliest, Instant mostRecent, Missed missed, String error) {}

    private CronSchedules() {}

    /** kube's {@code mostRecentScheduleTime}. */
    static Recent mostRecent(CronJob cj, Instant now, CronSchedule schedule, boolean includeStartingDeadline) {
        Instant earliest = Times.instant(cj.getMetadata().getCreationTimestamp());
        if (cj.getStatus().hasLastScheduleTime()) {
            earliest = Times.instant(cj.getStatus().getLastScheduleTime());
        }
        if (includeStartingDeadline && cj.getSpec().hasStartingDeadlineSeconds()) {
            Instant deadline = now.minusSeconds(cj.getSpec().getStartingDeadlineSeconds());
            if (deadline.isAfter(earliest)) {
                earliest = deadline;
            }
        }
        Instant t1 = schedule.next(earliest);
        if (t1 == null || now.isBefore(t1)) {
            return new Recent(earliest, null, Missed.NONE, null);
        }
        Instant t2 = schedule.next(t1);
        if (t2 == null || now.isBefore(t2)) {
            return new Recent(earliest, t1, Missed.NONE, null);
        }
        long between = Math.round(Duration.between(t1, t2).toMillis() / 1000.0);
        if (between < 1) {
            return new Recent(
                    earliest, null, Missed.NONE, "time difference between two schedules is less than 1 second");
        }
        long elapsed = Duration.between(t1, now).getSeconds();
        long missedCount = elapsed / between + 1;
        Instant potentialEarliest = t1.plusSeconds((missedCount - 2) * between);
        Instant mostRecent = null;
        for (Instant t = schedule.next(potentialEarliest); t != null && !t.isAfter(now); t = schedule.next(t)) {
            mostRecent = t;
        }
        Missed missed = missedCount > 100 ? Missed.MANY : missedCount > 0 ? Missed.FEW : Missed.NONE;
        return new Recent(earliest, mostRecent, missed, null);
    }

    /** kube's {@code nextScheduleTimeDuration}: how long until the activation after the most recent one, plus the delta. */
    static Duration untilNext(CronJob cj, Instant now, CronSchedule schedule) {
        Recent r = mostRecent(cj, now, schedule, false);
        Instant from;
        if (r.error() != null) {
            from = now;
        } else if (r.mostRecent() == null) {
            from = r.missed() == Missed.NONE ? r.earliest() : now;
        } else {
            from = r.mostRecent();
        }
        Instant next = schedule.next(from);
        if (next == null) {
            return null;
        }
        return Duration.between(now, next.plus(NEXT_SCHEDULE_DELTA));
    }

    /** kube's {@code getJobName}: the CronJob's name and the scheduled time in minutes since the epoch. */
    static String jobName(CronJob cj, Instant scheduled) {
        return cj.getMetadata().getName() + "-" + scheduled.getEpochSecond() / 60;
    }
}
