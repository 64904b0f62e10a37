package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import io.kubelite.api.JobSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.api.PodFailurePolicyOnExitCodesRequirement;
import io.kubelite.api.PodFailurePolicyRule;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.controllers.util.ManualClock;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Job and TTL-after-finished controllers against real etcd, on a {@link ManualClock}; pod
 * status is written as a kubelet would ({@link JobPodRunner}).
 */
class JobControllerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Job job(String name, UnaryOperator<JobSpec.Builder> spec) {
        JobSpec.Builder s = JobSpec.newBuilder()
                .setTemplate(PodTemplateSpec.newBuilder()
                        .setSpec(PodSpec.newBuilder()
                                .setRestartPolicy("Never")
                                .addContainers(Container.newBuilder()
                                        .setName("work")
                                        .setImage("busybox")
                                        .addAllCommand(List.of("sh", "-c", "exit 0")))));
        return Job.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace("default"))
                .setSpec(spec.apply(s))
                .build();
    }

    /** Creates a Job as the API server would: the kind's defaults, selector generation and validation. */
    static Job create(ControllerManagerUnderTest h, Job j) {
        var s = JobKind.KIND.strategy();
        Job prepared = s.prepareForCreate(s.defaults(j));
        assertThat(JobKind.KIND.validateCreate(prepared)).isEmpty();
        return ControllerManagerUnderTest.join(h.of(JobKind.RESOURCE).create(prepared));
    }

    static Job get(ControllerManagerUnderTest h, String name) {
        return h.getOrNull(JobKind.RESOURCE, "default", name);
    }

    static List<Pod> podsOf(ControllerManagerUnderTest h, Job j) {
        return h.list(PodKind.RESOURCE, "default").stream()
                .filter(p -> Pods.controllerRef(p.getMetadata())
                        .map(r -> r.getUid().equals(j.getMetadata().getUid()))
                        .orElse(false))
                .toList();
    }

    static String conditions(Job j) {
        return j == null
                ? "gone"
                : j.getStatus().getConditionsList().stream()
                        .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                        .collect(Collectors.joining(","));
    }

    private static Job until(
            ControllerManagerUnderTest h, String name, String what, java.util.function.Predicate<Job> p) {
        return Poll.until(WAIT, what, () -> get(h, name), j -> j != null && p.test(j));
    }

    @Test
    void completionsAndParallelismRunEveryPodOnceAndComplete() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h =
                        new ControllerManagerUnderTest(ETCD, clock, "--controllers=job,garbagecollector");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            int[] maxActive = {0};
            runner.exitCode = p -> {
                seen.add(p.getMetadata().getName());
                return 0;
            };
            Job j = create(h, job("five", s -> s.setCompletions(5).setParallelism(2)));
            Job done = Poll.until(
                    WAIT,
                    "five Complete",
                    () -> {
                        long active =
                                podsOf(h, j).stream().filter(Pods::isActive).count();
                        maxActive[0] = (int) Math.max(maxActive[0], active);
                        return get(h, "five");
                    },
                    x -> Jobs.isTrue(x, Jobs.COMPLETE));
            assertThat(maxActive[0]).as("never more than parallelism").isLessThanOrEqualTo(2);
            assertThat(done.getStatus().getSucceeded()).isEqualTo(5);
            assertThat(done.getStatus().getFailed()).isZero();
            assertThat(done.getStatus().getActive()).isZero();
            assertThat(done.getStatus().hasStartTime()).isTrue();
            assertThat(done.getStatus().hasCompletionTime()).isTrue();
            assertThat(done.getStatus().getConditionsList())
                    .extracting(JobCondition::getType, JobCondition::getReason, JobCondition::getMessage)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    "SuccessCriteriaMet",
                                    "CompletionsReached",
                                    "Reached expected number of succeeded pods"),
                            org.assertj.core.groups.Tuple.tuple(
                                    "Complete", "CompletionsReached", "Reached expected number of succeeded pods"));
            List<Pod> pods = podsOf(h, j);
            assertThat(pods).hasSize(5).allSatisfy(p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
                assertThat(p.getMetadata().getName()).startsWith("five-");
                assertThat(p.getMetadata().getFinalizersList())
                        .as("tracking finalizer removed")
                        .isEmpty();
                assertThat(p.getMetadata().getLabelsMap())
                        .containsEntry(Jobs.JOB_NAME_LABEL, "five")
                        .containsEntry(
                                Jobs.CONTROLLER_UID_LABEL, j.getMetadata().getUid());
            });
            Poll.until(WAIT, "Completed event", () -> !h.events("Completed").isEmpty());
            assertThat(h.events("SuccessfulCreate")).isNotEmpty();
        }
    }

    @Test
    void failuresAreReplacedAfterBackOffUntilTheBackoffLimit() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> 1;
            Job j = create(h, job("flaky", s -> s.setBackoffLimit(2)));
            until(h, "flaky", "first failure counted", x -> x.getStatus().getFailed() == 1);
            // 10 s back-off on the controller's clock: no replacement before it has passed
            Poll.holds(
                    Duration.ofMillis(1500),
                    "no replacement during the back-off",
                    () -> assertThat(podsOf(h, j)).hasSize(1));
            clock.advance(Duration.ofSeconds(11));
            until(h, "flaky", "second failure counted", x -> x.getStatus().getFailed() == 2);
            clock.advance(Duration.ofSeconds(11));
            Poll.holds(
                    Duration.ofMillis(1000),
                    "the second back-off is 20 s",
                    () -> assertThat(podsOf(h, j)).hasSize(2));
            clock.advance(Duration.ofSeconds(10));
            Job failed = until(h, "flaky", "Failed BackoffLimitExceeded", x -> Jobs.isTrue(x, Jobs.FAILED));
            assertThat(failed.getStatus().getFailed()).isEqualTo(3);
            assertThat(failed.getStatus().getConditionsList())
                    .extracting(JobCondition::getType, JobCondition::getReason, JobCondition::getMessage)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    "FailureTarget",
                                    "BackoffLimitExceeded",
                                    "Job has reached the specified backoff limit"),
                            org.assertj.core.groups.Tuple.tuple(
                                    "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
            assertThat(failed.getStatus().hasCompletionTime()).isFalse();
            assertThat(podsOf(h, j)).hasSize(3);
        }
    }

    @Test
    void theBackOffBaseComesFromTheFlag() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(
                        ETCD, clock, "--controllers=job", "--job-pod-failure-backoff=2s");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> 1;
            Job j = create(h, job("quick", s -> s.setBackoffLimit(2)));
            until(h, "quick", "first failure counted", x -> x.getStatus().getFailed() == 1);
            Poll.holds(
                    Duration.ofMillis(1000),
                    "no replacement during the 2 s back-off",
                    () -> assertThat(podsOf(h, j)).hasSize(1));
            clock.advance(Duration.ofMillis(2100));
            until(h, "quick", "second failure counted", x -> x.getStatus().getFailed() == 2);
            clock.advance(Duration.ofMillis(2100));
            Poll.holds(
                    Duration.ofMillis(1000),
                    "the second back-off is 4 s",
                    () -> assertThat(podsOf(h, j)).hasSize(2));
            clock.advance(Duration.ofMillis(2000));
            until(h, "quick", "third failure counted", x -> x.getStatus().getFailed() == 3);
        }
    }

    @Test
    void activeDeadlineFailsTheJobAndDeletesItsPods() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> null; // runs until stopped
            Job j = create(
                    h,
                    job(
                            "slow",
                            s -> s.setActiveDeadlineSeconds(30)
                                    .setParallelism(2)
                                    .setCompletions(2)));
            until(h, "slow", "two active", x -> x.getStatus().getActive() == 2);
            clock.advance(Duration.ofSeconds(31));
            Job failed = until(h, "slow", "Failed DeadlineExceeded", x -> Jobs.isTrue(x, Jobs.FAILED));
            assertThat(Jobs.condition(failed, Jobs.FAILED).orElseThrow().getReason())
                    .isEqualTo("DeadlineExceeded");
            assertThat(failed.getStatus().getActive()).isZero();
            Poll.until(WAIT, "pods deleted", () -> podsOf(h, j).isEmpty());
        }
    }

    @Test
    void indexedJobCompletesEachIndexExactlyOnceThroughFailures() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            // index 2 fails on its first attempt
            runner.exitCode = p -> {
                String ix = p.getMetadata().getAnnotationsMap().get(Jobs.COMPLETION_INDEX);
                return "2".equals(ix) && failedOnce.add(ix) ? 1 : 0;
            };
            Job j = create(
                    h,
                    job(
                            "idx",
                            s -> s.setCompletionMode("Indexed")
                                    .setCompletions(5)
                                    .setParallelism(3)));
            until(h, "idx", "index 2 failed", x -> x.getStatus().getFailed() == 1);
            clock.advance(Duration.ofSeconds(11));
            Job done = until(h, "idx", "Complete", x -> Jobs.isTrue(x, Jobs.COMPLETE));
            assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0-4");
            assertThat(done.getStatus().getSucceeded()).isEqualTo(5);
            assertThat(done.getStatus().getFailed()).isEqualTo(1);
            List<Pod> pods = podsOf(h, j);
            Map<String, Long> succeededPerIndex = pods.stream()
                    .filter(p -> p.getStatus().getPhase().equals("Succeeded"))
                    .collect(Collectors.groupingBy(
                            p -> p.getMetadata().getAnnotationsMap().get(Jobs.COMPLETION_INDEX),
                            Collectors.counting()));
            assertThat(succeededPerIndex)
                    .containsOnly(
                            Map.entry("0", 1L),
                            Map.entry("1", 1L),
                            Map.entry("2", 1L),
                            Map.entry("3", 1L),
                            Map.entry("4", 1L));
            assertThat(pods).allSatisfy(p -> {
                String ix = p.getMetadata().getAnnotationsMap().get(Jobs.COMPLETION_INDEX);
                assertThat(p.getMetadata().getLabelsMap()).containsEntry(Jobs.COMPLETION_INDEX, ix);
                assertThat(p.getSpec().getHostname()).isEqualTo("idx-" + ix);
                assertThat(p.getMetadata().getName()).startsWith("idx-" + ix + "-");
                assertThat(p.getSpec().getContainers(0).getEnvList()).anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX");
                    assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                            .isEqualTo("metadata.labels['batch.kubernetes.io/job-completion-index']");
                });
            });
        }
    }

    @Test
    void podFailurePolicyFailsTheJobOnAnExitCodeAndIgnoresOthers() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            PodFailurePolicy policy = PodFailurePolicy.newBuilder()
                    .addRules(PodFailurePolicyRule.newBuilder()
                            .setAction("FailJob")
                            .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                    .setOperator("In")
                                    .addValues(42)))
                    .addRules(PodFailurePolicyRule.newBuilder()
                            .setAction("Ignore")
                            .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                    .setOperator("In")
                                    .addValues(3)))
                    .build();
            int[] attempt = {0};
            // exit 3 (ignored), then 42 (fails the Job)
            // decided from what etcd holds: 42 once some pfp pod has ended with 3 (the ignored
            // failure), else 3, whichever pod the controller happened to create first
            runner.exitCode = p -> h.list(PodKind.RESOURCE, "default").stream()
                            .anyMatch(o -> o.getMetadata().getName().startsWith("pfp-")
                                    && o.getStatus().getContainerStatusesCount() > 0
                                    && o.getStatus()
                                                    .getContainerStatuses(0)
                                                    .getState()
                                                    .getTerminated()
                                                    .getExitCode()
                                            == 3)
                    ? 42
                    : 3;
            Job j = create(h, job("pfp", s -> s.setPodFailurePolicy(policy).setBackoffLimit(0)));
            Poll.until(
                    WAIT,
                    "a second pod after the ignored failure (pods: name phase exit)",
                    () -> podsOf(h, j).stream()
                                    .map(p -> p.getMetadata().getName() + " "
                                            + p.getStatus().getPhase() + " "
                                            + (p.getStatus().getContainerStatusesCount() == 0
                                                    ? "-"
                                                    : p.getStatus()
                                                            .getContainerStatuses(0)
                                                            .getState()
                                                            .getTerminated()
                                                            .getExitCode()))
                                    .toList()
                            + " job: " + conditions(h.getOrNull(JobKind.RESOURCE, "default", "pfp")),
                    x -> podsOf(h, j).size() == 2 || advanced(clock, attempt));
            Job failed = until(h, "pfp", "Failed by the policy", x -> Jobs.isTrue(x, Jobs.FAILED));
            JobCondition c = Jobs.condition(failed, Jobs.FAILED).orElseThrow();
            assertThat(c.getReason()).isEqualTo("PodFailurePolicy");
            assertThat(c.getMessage())
                    .matches("Container work for pod default/pfp-\\w+ failed with exit code 42"
                            + " matching FailJob rule at index 0");
            assertThat(failed.getStatus().getFailed())
                    .as("the ignored failure is not counted")
                    .isEqualTo(1);
        }
    }

    /** Moves the clock past any back-off (at most a few times), so the poll's condition can come true. */
    private static boolean advanced(ManualClock clock, int[] attempt) {
        if (attempt[0]++ % 10 == 9) {
            clock.advance(Duration.ofSeconds(11));
        }
        return false;
    }

    @Test
    void suspendDeletesActivePodsAndResumeRestartsThem() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> null;
            Job j = create(
                    h, job("nap", s -> s.setSuspend(true).setParallelism(2).setCompletions(2)));
            Job suspended = until(h, "nap", "Suspended", x -> Jobs.isTrue(x, Jobs.SUSPENDED));
            assertThat(Jobs.condition(suspended, Jobs.SUSPENDED).orElseThrow().getReason())
                    .isEqualTo("JobSuspended");
            assertThat(suspended.getStatus().hasStartTime()).isFalse();
            assertThat(podsOf(h, j)).isEmpty();
            setSuspend(h, "nap", false);
            Job resumed = until(
                    h, "nap", "resumed with two active", x -> x.getStatus().getActive() == 2);
            assertThat(Jobs.condition(resumed, Jobs.SUSPENDED).orElseThrow()).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("JobResumed");
            });
            assertThat(resumed.getStatus().hasStartTime()).isTrue();
            setSuspend(h, "nap", true);
            until(
                    h,
                    "nap",
                    "suspended again, nothing active",
                    x -> Jobs.isTrue(x, Jobs.SUSPENDED) && x.getStatus().getActive() == 0);
            Poll.until(WAIT, "its pods deleted", () -> podsOf(h, j).isEmpty());
            assertThat(get(h, "nap").getStatus().getFailed())
                    .as("suspended pods are not failures")
                    .isZero();
        }
    }

    private static void setSuspend(ControllerManagerUnderTest h, String name, boolean suspend) {
        ControllerManagerUnderTest.join(h.of(JobKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        name,
                        j -> j.toBuilder()
                                .setSpec(j.getSpec().toBuilder().setSuspend(suspend))
                                .build()));
    }

    @Test
    void ttlAfterFinishedDeletesTheJobAndTheCollectorItsPods() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(
                        ETCD, clock, "--controllers=job,ttl-after-finished,garbagecollector");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            Job j = create(h, job("brief", s -> s.setTtlSecondsAfterFinished(100)));
            until(h, "brief", "Complete", x -> Jobs.isTrue(x, Jobs.COMPLETE));
            Poll.holds(
                    Duration.ofMillis(800),
                    "kept before its TTL",
                    () -> assertThat(get(h, "brief")).isNotNull());
            clock.advance(Duration.ofSeconds(101));
            Poll.until(WAIT, "Job deleted", () -> get(h, "brief") == null);
            Poll.until(WAIT, "its pod collected", () -> podsOf(h, j).isEmpty());
        }
    }
}
