package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.CronJob;
import io.kubelite.api.CronJobSpec;
import io.kubelite.api.Job;
import io.kubelite.api.JobSpec;
import io.kubelite.api.JobTemplateSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.controllers.util.ManualClock;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.cronjob.CronJobKind;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CronJob controller (with the Job controller) against real etcd, on a {@link ManualClock}. */
class CronJobControllerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);

    static CronJob cronJob(String name, String command, UnaryOperator<CronJobSpec.Builder> spec) {
        CronJobSpec.Builder s = CronJobSpec.newBuilder()
                .setSchedule("*/1 * * * *")
                .setJobTemplate(JobTemplateSpec.newBuilder()
                        .setSpec(JobSpec.newBuilder()
                                .setTemplate(PodTemplateSpec.newBuilder()
                                        .setSpec(PodSpec.newBuilder()
                                                .setRestartPolicy("OnFailure")
                                                .addContainers(Container.newBuilder()
                                                        .setName("hello")
                                                        .setImage("busybox:1.28")
                                                        .addAllCommand(List.of("sh", "-c", command)))))));
        return CronJob.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace("default"))
                .setSpec(spec.apply(s))
                .build();
    }

    static CronJob create(ControllerManagerUnderTest h, CronJob c, Instant created) {
        var s = CronJobKind.KIND.strategy();
        CronJob prepared = s.prepareForCreate(s.defaults(c));
        prepared = prepared.toBuilder()
                .setMetadata(prepared.getMetadata().toBuilder().setCreationTimestamp(Times.ts(created)))
                .build();
        assertThat(CronJobKind.KIND.validateCreate(prepared)).isEmpty();
        return ControllerManagerUnderTest.join(h.of(CronJobKind.RESOURCE).create(prepared));
    }

    static List<Job> jobsOf(ControllerManagerUnderTest h, CronJob c) {
        return h.list(JobKind.RESOURCE, "default").stream()
                .filter(j -> Pods.controllerRef(j.getMetadata())
                        .map(r -> r.getUid().equals(c.getMetadata().getUid()))
                        .orElse(false))
                .sorted(java.util.Comparator.comparing(j -> j.getMetadata().getName()))
                .toList();
    }

    static String names(List<Job> jobs) {
        return jobs.stream().map(j -> j.getMetadata().getName()).toList().toString();
    }

    /** A clock at second 30 of a minute, so the next activation of a minutely schedule is 30 s away. */
    static ManualClock clock() {
        return new ManualClock(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30));
    }

    @Test
    void aScheduleFiresOnTheClockAndTracksItsJob() throws Exception {
        ManualClock clock = clock();
        try (ControllerManagerUnderTest h =
                        new ControllerManagerUnderTest(ETCD, clock, "--controllers=cronjob,job,garbagecollector");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            CronJob c = create(h, cronJob("hello", "date; echo Hello", s -> s), clock.instant());
            Poll.holds(
                    Duration.ofMillis(800),
                    "nothing before the schedule",
                    () -> assertThat(jobsOf(h, c)).isEmpty());
            Instant fire = clock.instant().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
            clock.advance(Duration.ofSeconds(31));
            List<Job> jobs = Poll.until(WAIT, "a Job for the activation", () -> jobsOf(h, c), l -> l.size() == 1);
            Job j = jobs.get(0);
            assertThat(j.getMetadata().getName()).isEqualTo("hello-" + fire.getEpochSecond() / 60);
            assertThat(j.getMetadata().getAnnotationsMap())
                    .containsEntry(Jobs.CRONJOB_SCHEDULED_TIMESTAMP, fire.toString());
            assertThat(j.getSpec().getSelector().getMatchLabelsMap()).containsKey(Jobs.CONTROLLER_UID_LABEL);
            CronJob done = Poll.until(
                    WAIT,
                    "the Job completed and the CronJob saw it",
                    () -> h.getOrNull(CronJobKind.RESOURCE, "default", "hello"),
                    x -> x.getStatus().hasLastSuccessfulTime() && x.getStatus().getActiveCount() == 0);
            assertThat(Times.instant(done.getStatus().getLastScheduleTime())).isEqualTo(fire);
            Poll.until(
                    WAIT,
                    "SawCompletedJob event",
                    () -> !h.events("SawCompletedJob").isEmpty());
        }
    }

    @Test
    void forbidSkipsAndReplaceReplacesARunningJob() throws Exception {
        ManualClock clock = clock();
        try (ControllerManagerUnderTest h =
                        new ControllerManagerUnderTest(ETCD, clock, "--controllers=cronjob,job,garbagecollector");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> null; // the Jobs run for ever
            CronJob forbid =
                    create(h, cronJob("forbid", "sleep 3600", s -> s.setConcurrencyPolicy("Forbid")), clock.instant());
            CronJob replace = create(
                    h, cronJob("replace", "sleep 3600", s -> s.setConcurrencyPolicy("Replace")), clock.instant());
            CronJob allow = create(h, cronJob("allow", "sleep 3600", s -> s), clock.instant());
            clock.advance(Duration.ofSeconds(31));
            Poll.until(
                    WAIT,
                    "one Job each (forbid, replace, allow)",
                    () -> names(jobsOf(h, forbid)) + " " + names(jobsOf(h, replace)) + " " + names(jobsOf(h, allow)),
                    x -> jobsOf(h, forbid).size() == 1
                            && jobsOf(h, replace).size() == 1
                            && jobsOf(h, allow).size() == 1);
            String firstReplace = jobsOf(h, replace).get(0).getMetadata().getName();
            clock.advance(Duration.ofSeconds(60));
            Poll.until(
                    WAIT,
                    "Allow runs two, Replace swapped its Job",
                    () -> names(jobsOf(h, allow)) + " " + names(jobsOf(h, replace)),
                    x -> jobsOf(h, allow).size() == 2
                            && jobsOf(h, replace).size() == 1
                            && !jobsOf(h, replace)
                                    .get(0)
                                    .getMetadata()
                                    .getName()
                                    .equals(firstReplace));
            Poll.until(
                    WAIT,
                    "a JobAlreadyActive event for forbid",
                    () -> h.events("JobAlreadyActive").size() + " events; forbid's jobs " + names(jobsOf(h, forbid)),
                    x -> !h.events("JobAlreadyActive").isEmpty());
            assertThat(jobsOf(h, forbid)).hasSize(1);
            CronJob f = h.getOrNull(CronJobKind.RESOURCE, "default", "forbid");
            assertThat(f.getStatus().getActiveCount()).isEqualTo(1);
        }
    }

    @Test
    void historyLimitsKeepTheNewestFinishedJobs() throws Exception {
        ManualClock clock = clock();
        try (ControllerManagerUnderTest h =
                        new ControllerManagerUnderTest(ETCD, clock, "--controllers=cronjob,job,garbagecollector");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            CronJob c = create(h, cronJob("tidy", "true", s -> s.setSuccessfulJobsHistoryLimit(2)), clock.instant());
            clock.advance(Duration.ofSeconds(31));
            for (int run = 1; run <= 4; run++) {
                int n = run;
                Poll.until(
                        WAIT,
                        "run " + n + " complete",
                        () -> h.getOrNull(CronJobKind.RESOURCE, "default", "tidy"),
                        // this run's Job (named for the minute the clock is in) exists: the state
                        // after the previous run satisfies everything else too
                        x -> x.getStatus().getActiveCount() == 0
                                && x.getStatus().hasLastSuccessfulTime()
                                && names(jobsOf(h, c))
                                        .contains("tidy-" + clock.instant().getEpochSecond() / 60)
                                && jobsOf(h, c).stream().allMatch(j -> Jobs.isTrue(j, Jobs.COMPLETE))
                                && jobsOf(h, c).size() == Math.min(n, 2));
                if (run < 4) {
                    clock.advance(Duration.ofSeconds(60));
                }
            }
            List<Job> kept = jobsOf(h, c);
            assertThat(kept).hasSize(2);
            long newest = clock.instant().getEpochSecond() / 60;
            assertThat(kept)
                    .extracting(j -> j.getMetadata().getName())
                    .containsExactly("tidy-" + (newest - 1), "tidy-" + newest);
        }
    }

    @Test
    void tooManyMissedActivationsStartOnlyTheMostRecent() throws Exception {
        ManualClock clock = clock();
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=cronjob")) {
            // created three hours ago and never scheduled: 180 missed activations
            CronJob c =
                    create(h, cronJob("late", "true", s -> s), clock.instant().minusSeconds(3 * 3600));
            List<Job> jobs = Poll.until(WAIT, "one Job", () -> jobsOf(h, c), l -> !l.isEmpty());
            Poll.holds(
                    Duration.ofMillis(500),
                    "only one",
                    () -> assertThat(jobsOf(h, c)).hasSize(1));
            long mostRecent = clock.instant().truncatedTo(ChronoUnit.MINUTES).getEpochSecond() / 60;
            assertThat(jobs.get(0).getMetadata().getName()).isEqualTo("late-" + mostRecent);
            Poll.until(
                    WAIT,
                    "TooManyMissedTimes event",
                    () -> !h.events("TooManyMissedTimes").isEmpty());
            // with a starting deadline, an activation older than it is not started at all
            CronJob strict = create(
                    h,
                    cronJob("strict", "true", s -> s.setSchedule("0 * * * *").setStartingDeadlineSeconds(10)),
                    clock.instant().minusSeconds(2 * 3600));
            Poll.holds(
                    Duration.ofMillis(800),
                    "no Job past the starting deadline",
                    () -> assertThat(jobsOf(h, strict)).isEmpty());
        }
    }
}
