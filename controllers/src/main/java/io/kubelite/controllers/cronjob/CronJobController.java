package io.kubelite.controllers.cronjob;

import io.kubelite.api.CronJob;
import io.kubelite.api.CronJobStatus;
import io.kubelite.api.Job;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.OwnerReference;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.ClockTimers;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.cronjob.CronJobKind;
import io.kubelite.kinds.batch.cronjob.CronSchedule;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's CronJob controller ({@code cronjob_controllerv2.go}): at each activation of a CronJob's
 * schedule it creates a Job named {@code <cronjob>-<scheduled minutes since the epoch>} (the name
 * is the lock: an activation never gets two Jobs) annotated with
 * {@code batch.kubernetes.io/cronjob-scheduled-timestamp}, honouring {@code suspend},
 * {@code startingDeadlineSeconds} (a missed activation older than that is a {@code MissSchedule}
 * event), more than 100 missed activations ({@code TooManyMissedTimes}) and the concurrency policy
 * (Allow; Forbid skips while a Job is active; Replace deletes the active ones first). It keeps
 * {@code status.active}, {@code lastScheduleTime} and {@code lastSuccessfulTime}, and deletes the
 * oldest finished Jobs beyond the history limits. Time is the controller's {@link Clock}; the
 * next activation is scheduled on it. Schedules without a timeZone run in UTC.
 */
public final class CronJobController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(CronJobController.class);
    private static final DateTimeFormatter RFC1123Z =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);

    private final ObjectStore<CronJob> cronJobs;
    private final ObjectStore<Job> jobs;
    private final Informer<CronJob> cronJobInformer;
    private final Informer<Job> jobInformer;
    private final EventRecorder recorder;
    private final Clock clock;
    private final WorkQueue<String> queue;
    private final ClockTimers<String> timers;

    public CronJobController(ControllerContext ctx, Clock clock) {
        this.queue = ctx.newQueue("cronjob");
        this.cronJobs = ctx.store().of(CronJobKind.RESOURCE);
        this.jobs = ctx.store().of(JobKind.RESOURCE);
        this.cronJobInformer = ctx.informers().get(CronJobKind.RESOURCE);
        this.jobInformer = ctx.informers().get(JobKind.RESOURCE);
        this.recorder = ctx.recorder();
        this.clock = clock;
        this.timers = new ClockTimers<>(clock, queue);
        cronJobInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CronJob c) {
                queue.add(key(c.getMetadata()));
            }

            @Override
            public void onUpdate(CronJob o, CronJob c) {
                queue.add(key(c.getMetadata()));
            }

            @Override
            public void onDelete(CronJob c) {
                queue.add(key(c.getMetadata()));
            }
        });
        jobInformer.addHandler(ResourceEventHandler.onAnyChange(this::jobChanged));
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private void jobChanged(Job j) {
        Pods.controllerRef(j.getMetadata())
                .filter(r -> r.getKind().equals("CronJob"))
                .flatMap(r -> cronJobInformer
                        .get(j.getMetadata().getNamespace(), r.getName())
                        .filter(c -> c.getMetadata().getUid().equals(r.getUid())))
                .ifPresent(c -> queue.add(key(c.getMetadata())));
    }

    @Override
    public String name() {
        return "cronjob";
    }

    @Override
    public void start() {
        queue.start(5, this::sync);
    }

    @Override
    public void close() {
        timers.close();
        queue.close();
    }

    private Result sync(String key) throws Exception {
        CronJob cj = cronJobInformer.get(key).orElse(null);
        if (cj == null) {
            return Result.done();
        }
        List<Job> children = new ArrayList<>();
        for (Job j : jobInformer.byNamespace(cj.getMetadata().getNamespace())) {
            Optional<OwnerReference> ref = Pods.controllerRef(j.getMetadata());
            if (ref.isPresent() && ref.get().getUid().equals(cj.getMetadata().getUid())) {
                children.add(j);
            }
        }
        // requeues count from here: no later than the instant the schedule is read at
        Instant started = clock.instant();
        CronJobStatus.Builder status = cj.getStatus().toBuilder();
        boolean update = cleanupFinishedJobs(cj, status, children);
        boolean[] changed = {false};
        Duration requeue = syncCronJob(cj, status, children, changed);
        if (update || changed[0]) {
            CronJob next = cj.toBuilder().setStatus(status).build();
            if (!next.equals(cj)) {
                cronJobs.update(next).get(15, TimeUnit.SECONDS);
            }
        }
        if (requeue != null) {
            timers.addAt(key, started.plus(requeue));
        }
        return Result.done();
    }

    /** kube's {@code syncCronJob}: the active list, then at most one new Job. Returns when to look again. */
    private Duration syncCronJob(CronJob cj, CronJobStatus.Builder status, List<Job> children, boolean[] changed)
            throws Exception {
        Instant now = clock.instant();
        ObjectReference self = ref(cj);
        for (Job j : children) {
            boolean found = inActive(status, j.getMetadata().getUid());
            if (!found && !Jobs.isFinished(j)) {
                CronJob fresh = cronJobs.get(
                                cj.getMetadata().getNamespace(),
                                cj.getMetadata().getName())
                        .get(10, TimeUnit.SECONDS);
                if (fresh.getMetadata().getUid().equals(cj.getMetadata().getUid())
                        && fresh.getStatus().getActiveList().stream()
                                .anyMatch(a -> a.getUid().equals(j.getMetadata().getUid()))) {
                    continue; // our own status write is not in the cache yet
                }
                recorder.warning(
                        self,
                        "UnexpectedJob",
                        "Saw a job that the controller did not create or forgot: "
                                + j.getMetadata().getName());
            } else if (found && Jobs.isFinished(j)) {
                String type = Jobs.isTrue(j, Jobs.COMPLETE) ? Jobs.COMPLETE : Jobs.FAILED;
                removeActive(status, j.getMetadata().getUid());
                recorder.normal(
                        self,
                        "SawCompletedJob",
                        "Saw completed job: " + j.getMetadata().getName() + ", status: " + type);
                changed[0] = true;
            }
            if (Jobs.isTrue(j, Jobs.COMPLETE) && j.getStatus().hasCompletionTime()) {
                Instant done = Times.instant(j.getStatus().getCompletionTime());
                if (!status.hasLastSuccessfulTime() || done.isAfter(Times.instant(status.getLastSuccessfulTime()))) {
                    status.setLastSuccessfulTime(j.getStatus().getCompletionTime());
                    changed[0] = true;
                }
            }
        }
        for (ObjectReference a : List.copyOf(status.getActiveList())) {
            boolean present =
                    children.stream().anyMatch(j -> j.getMetadata().getUid().equals(a.getUid()));
            if (present) {
                continue;
            }
            try {
                jobs.get(a.getNamespace(), a.getName()).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (!(StoreException.unwrap(e) instanceof io.kubelite.store.NotFoundException)) {
                    throw e;
                }
                recorder.normal(self, "MissingJob", "Active job went missing: " + a.getName());
                removeActive(status, a.getUid());
                changed[0] = true;
            }
        }
        if (cj.getMetadata().hasDeletionTimestamp()) {
            return null;
        }
        ZoneId zone = ZoneOffset.UTC;
        if (cj.getSpec().hasTimeZone()) {
            try {
                zone = ZoneId.of(cj.getSpec().getTimeZone());
            } catch (DateTimeException e) {
                recorder.warning(
                        self,
                        "UnknownTimeZone",
                        "invalid timeZone: \"" + cj.getSpec().getTimeZone() + "\": unknown time zone "
                                + cj.getSpec().getTimeZone());
                return null;
            }
        }
        if (cj.getSpec().hasSuspend() && cj.getSpec().getSuspend()) {
            return null;
        }
        CronSchedule sched;
        try {
            sched = CronSchedule.parse(cj.getSpec().getSchedule(), zone);
        } catch (CronSchedule.InvalidScheduleException e) {
            recorder.warning(
                    self,
                    "UnparseableSchedule",
                    "unparseable schedule: \"" + cj.getSpec().getSchedule() + "\" : " + e.getMessage());
            return null;
        }
        CronJob withStatus = cj.toBuilder().setStatus(status).build();
        CronSchedules.Recent recent = CronSchedules.mostRecent(withStatus, now, sched, true);
        if (recent.missed() == CronSchedules.Missed.MANY && recent.mostRecent() != null) {
            recorder.warning(
                    self,
                    "TooManyMissedTimes",
                    "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        if (recent.error() != null) {
            recorder.warning(
                    self,
                    "InvalidSchedule",
                    "invalid schedule: " + cj.getSpec().getSchedule() + " : " + recent.error());
            return null;
        }
        Instant scheduled = recent.mostRecent();
        if (scheduled == null) {
            return CronSchedules.untilNext(withStatus, now, sched);
        }
        if (cj.getSpec().hasStartingDeadlineSeconds()
                && scheduled
                        .plusSeconds(cj.getSpec().getStartingDeadlineSeconds())
                        .isBefore(now)) {
            recorder.warning(
                    self,
                    "MissSchedule",
                    "Missed scheduled time to start a job: " + RFC1123Z.format(scheduled.atZone(ZoneOffset.UTC)));
            return CronSchedules.untilNext(withStatus, now, sched);
        }
        String jobName = CronSchedules.jobName(cj, scheduled);
        boolean processed =
                status.getActiveList().stream().anyMatch(a -> a.getName().equals(jobName))
                        || (status.hasLastScheduleTime()
                                && Times.instant(status.getLastScheduleTime()).equals(scheduled));
        if (processed) {
            return CronSchedules.untilNext(withStatus, now, sched);
        }
        if (cj.getSpec().getConcurrencyPolicy().equals("Forbid") && status.getActiveCount() > 0) {
            recorder.normal(
                    self,
                    "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid");
            return CronSchedules.untilNext(withStatus, now, sched);
        }
        if (cj.getSpec().getConcurrencyPolicy().equals("Replace")) {
            for (ObjectReference a : List.copyOf(status.getActiveList())) {
                Job j = jobs.get(a.getNamespace(), a.getName()).get(10, TimeUnit.SECONDS);
                if (!deleteJob(cj, status, j)) {
                    throw new IllegalStateException("could not replace job " + a.getNamespace() + "/" + a.getName());
                }
                changed[0] = true;
            }
        }
        Job created;
        try {
            created = jobs.create(jobFromTemplate(cj, scheduled, zone, now)).get(15, TimeUnit.SECONDS);
            recorder.normal(
                    self,
                    "SuccessfulCreate",
                    "Created job " + created.getMetadata().getName());
        } catch (Exception e) {
            if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                recorder.warning(
                        self,
                        "FailedCreate",
                        "Error creating job: " + Pods.wrap(e).getMessage());
                throw e;
            }
            created = jobs.get(cj.getMetadata().getNamespace(), jobName).get(10, TimeUnit.SECONDS);
            boolean ours = Pods.controllerRef(created.getMetadata())
                    .map(r -> r.getUid().equals(cj.getMetadata().getUid()))
                    .orElse(false);
            if (!ours || inActive(status, created.getMetadata().getUid())) {
                return null;
            }
            LOG.info("CronJob {}: job {} already exists", key(cj.getMetadata()), jobName);
        }
        status.addActive(EventRecorder.ref("batch/v1", "Job", created.getMetadata()).toBuilder()
                .setResourceVersion(created.getMetadata().getResourceVersion()));
        status.setLastScheduleTime(Times.ts(scheduled));
        changed[0] = true;
        return CronSchedules.untilNext(cj.toBuilder().setStatus(status).build(), now, sched);
    }

    /** kube's {@code getJobFromTemplate2}, plus what the API server would do to a created Job (defaults, selector). */
    private Job jobFromTemplate(CronJob cj, Instant scheduled, ZoneId zone, Instant now) {
        var t = cj.getSpec().getJobTemplate();
        ObjectMeta.Builder m = ObjectMeta.newBuilder()
                .setName(CronSchedules.jobName(cj, scheduled))
                .setNamespace(cj.getMetadata().getNamespace())
                .putAllLabels(t.getMetadata().getLabelsMap())
                .putAllAnnotations(t.getMetadata().getAnnotationsMap())
                .putAnnotations(
                        Jobs.CRONJOB_SCHEDULED_TIMESTAMP,
                        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                                scheduled.atZone(zone).toOffsetDateTime().truncatedTo(ChronoUnit.SECONDS)))
                .setCreationTimestamp(Times.ts(now.truncatedTo(ChronoUnit.SECONDS)))
                .addOwnerReferences(OwnerReference.newBuilder()
                        .setApiVersion("batch/v1")
                        .setKind("CronJob")
                        .setName(cj.getMetadata().getName())
                        .setUid(cj.getMetadata().getUid())
                        .setController(true)
                        .setBlockOwnerDeletion(true));
        Job job = Job.newBuilder().setMetadata(m).setSpec(t.getSpec()).build();
        var strategy = JobKind.KIND.strategy();
        return strategy.prepareForCreate(strategy.defaults(job));
    }

    /** kube's {@code cleanupFinishedJobs}: the oldest finished Jobs beyond the history limits are deleted. */
    private boolean cleanupFinishedJobs(CronJob cj, CronJobStatus.Builder status, List<Job> children) {
        if (!cj.getSpec().hasSuccessfulJobsHistoryLimit() && !cj.getSpec().hasFailedJobsHistoryLimit()) {
            return false;
        }
        List<Job> ok = new ArrayList<>();
        List<Job> failed = new ArrayList<>();
        for (Job j : children) {
            if (Jobs.isTrue(j, Jobs.COMPLETE)) {
                ok.add(j);
            } else if (Jobs.isTrue(j, Jobs.FAILED)) {
                failed.add(j);
            }
        }
        boolean changed = false;
        if (cj.getSpec().hasSuccessfulJobsHistoryLimit()) {
            changed |= removeOldest(cj, status, ok, cj.getSpec().getSuccessfulJobsHistoryLimit());
        }
        if (cj.getSpec().hasFailedJobsHistoryLimit()) {
            changed |= removeOldest(cj, status, failed, cj.getSpec().getFailedJobsHistoryLimit());
        }
        return changed;
    }

    private boolean removeOldest(CronJob cj, CronJobStatus.Builder status, List<Job> finished, int keep) {
        int extra = finished.size() - keep;
        if (extra <= 0) {
            return false;
        }
        List<Job> sorted = new ArrayList<>(finished);
        sorted.sort(BY_START_TIME);
        boolean changed = false;
        for (int i = 0; i < extra; i++) {
            changed |= deleteJob(cj, status, sorted.get(i));
        }
        return changed;
    }

    /** kube's {@code byJobStartTime}: started before not started, earlier first, then by name. */
    static final Comparator<Job> BY_START_TIME = (a, b) -> {
        boolean sa = a.getStatus().hasStartTime();
        boolean sb = b.getStatus().hasStartTime();
        if (sa != sb) {
            return sa ? -1 : 1;
        }
        if (sa) {
            int c = Times.instant(a.getStatus().getStartTime())
                    .compareTo(Times.instant(b.getStatus().getStartTime()));
            if (c != 0) {
                return c;
            }
        }
        return a.getMetadata().getName().compareTo(b.getMetadata().getName());
    };

    /** Deletes a Job (background propagation: its pods go with the garbage collector) and its active entry. */
    private boolean deleteJob(CronJob cj, CronJobStatus.Builder status, Job j) {
        try {
            jobs.delete(
                            j.getMetadata().getNamespace(),
                            j.getMetadata().getName(),
                            Preconditions.uid(j.getMetadata().getUid()))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                recorder.warning(
                        ref(cj), "FailedDelete", "Deleted job: " + Pods.wrap(e).getMessage());
                return false;
            }
        }
        removeActive(status, j.getMetadata().getUid());
        recorder.normal(
                ref(cj), "SuccessfulDelete", "Deleted job " + j.getMetadata().getName());
        return true;
    }

    private static boolean inActive(CronJobStatus.Builder status, String uid) {
        return status.getActiveList().stream().anyMatch(a -> a.getUid().equals(uid));
    }

    private static void removeActive(CronJobStatus.Builder status, String uid) {
        List<ObjectReference> keep = status.getActiveList().stream()
                .filter(a -> !a.getUid().equals(uid))
                .toList();
        status.clearActive().addAllActive(keep);
    }

    static ObjectReference ref(CronJob cj) {
        return EventRecorder.ref("batch/v1", "CronJob", cj.getMetadata());
    }
}
