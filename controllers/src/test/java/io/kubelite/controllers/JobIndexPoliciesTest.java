package io.kubelite.controllers;

import static io.kubelite.controllers.JobControllerTest.conditions;
import static io.kubelite.controllers.JobControllerTest.create;
import static io.kubelite.controllers.JobControllerTest.get;
import static io.kubelite.controllers.JobControllerTest.job;
import static io.kubelite.controllers.JobControllerTest.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import io.kubelite.api.Pod;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.api.PodFailurePolicyOnExitCodesRequirement;
import io.kubelite.api.PodFailurePolicyRule;
import io.kubelite.api.SuccessPolicy;
import io.kubelite.api.SuccessPolicyRule;
import io.kubelite.controllers.util.ManualClock;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.batch.job.Jobs;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Job controller's Indexed-Job policies against real etcd, on a {@link ManualClock}:
 * backoffLimitPerIndex and maxFailedIndexes, the FailIndex action, the success policy, and
 * Jobs managed by another controller. Pods run as {@link JobPodRunner} makes them, exiting with
 * a code chosen per completion index.
 */
class JobIndexPoliciesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static String index(Pod p) {
        return p.getMetadata().getAnnotationsMap().get(Jobs.COMPLETION_INDEX);
    }

    /** The pods of a Job as "index:phase:failure-count" for failure messages and checks. */
    private static List<String> describe(ControllerManagerUnderTest h, Job j) {
        return podsOf(h, j).stream()
                .map(p -> index(p) + ":" + p.getStatus().getPhase() + ":"
                        + p.getMetadata().getAnnotationsMap().getOrDefault(Jobs.INDEX_FAILURE_COUNT, "-"))
                .sorted()
                .toList();
    }

    private static Job until(ControllerManagerUnderTest h, Job j, String what, Predicate<Job> done) {
        String name = j.getMetadata().getName();
        return Poll.until(
                        WAIT,
                        what,
                        () -> {
                            Job cur = get(h, name);
                            return new Seen(cur, describe(h, j));
                        },
                        s -> s.job() != null && done.test(s.job()))
                .job();
    }

    /** What a poll saw: the Job (its conditions and status printed) and its pods. */
    private record Seen(Job job, List<String> pods) {
        @Override
        public String toString() {
            return job == null
                    ? "no job"
                    : "conditions " + conditions(job) + ", completed "
                            + job.getStatus().getCompletedIndexes()
                            + ", failedIndexes " + job.getStatus().getFailedIndexes() + ", failed "
                            + job.getStatus().getFailed() + ", active "
                            + job.getStatus().getActive()
                            + ", pods " + pods;
        }
    }

    private static List<Tuple> conditionTuples(Job j) {
        return j.getStatus().getConditionsList().stream()
                .map(c -> Tuple.tuple(c.getType(), c.getReason(), c.getMessage()))
                .toList();
    }

    @Test
    void anIndexPastItsBackoffLimitPerIndexFailsAndTheOthersComplete() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> "1".equals(index(p)) ? 1 : 0;
            Job j = create(
                    h,
                    job(
                            "perindex",
                            s -> s.setCompletionMode("Indexed")
                                    .setCompletions(3)
                                    .setParallelism(3)
                                    .setBackoffLimitPerIndex(1)));
            assertThat(j.getSpec().getBackoffLimit()).isEqualTo(Integer.MAX_VALUE);
            Poll.until(
                    WAIT,
                    "index 1 failed once, the others succeeded",
                    () -> describe(h, j),
                    pods -> pods.containsAll(List.of("0:Succeeded:0", "1:Failed:0", "2:Succeeded:0")));
            // the index waits its own 10 s back-off on the controller's clock
            Poll.holds(
                    Duration.ofMillis(1500),
                    "no replacement for index 1 during its back-off",
                    () -> assertThat(describe(h, j)).hasSize(3));
            clock.advance(Duration.ofSeconds(11));
            Job failed = until(h, j, "Failed with FailedIndexes", x -> Jobs.isTrue(x, Jobs.FAILED));
            assertThat(describe(h, j))
                    .as("index 1 retried once, carrying its failure count, and not again")
                    .containsExactly("0:Succeeded:0", "1:Failed:0", "1:Failed:1", "2:Succeeded:0");
            assertThat(failed.getStatus().getFailedIndexes()).isEqualTo("1");
            assertThat(failed.getStatus().getCompletedIndexes()).isEqualTo("0,2");
            assertThat(failed.getStatus().getSucceeded()).isEqualTo(2);
            assertThat(failed.getStatus().getFailed()).isEqualTo(2);
            assertThat(conditionTuples(failed))
                    .containsExactly(
                            Tuple.tuple("FailureTarget", "FailedIndexes", "Job has failed indexes"),
                            Tuple.tuple("Failed", "FailedIndexes", "Job has failed indexes"));
            Poll.until(
                    WAIT,
                    "every tracking finalizer removed",
                    () -> podsOf(h, j).stream().allMatch(p -> p.getMetadata().getFinalizersCount() == 0));
        }
    }

    @Test
    void moreFailedIndexesThanMaxFailedIndexesFailsTheJobAndStopsTheRest() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            // indexes 0 and 1 fail (no retries), index 2 runs until stopped; nothing is left to
            // create in between, and nothing fails before the controller counts all three active
            AtomicBoolean go = new AtomicBoolean();
            runner.exitCode = p -> go.get() && Set.of("0", "1").contains(index(p)) ? 1 : null;
            Job j = create(
                    h,
                    job(
                            "maxfailed",
                            s -> s.setCompletionMode("Indexed")
                                    .setCompletions(3)
                                    .setParallelism(3)
                                    .setBackoffLimitPerIndex(0)
                                    .setMaxFailedIndexes(1)));
            until(h, j, "three active", x -> x.getStatus().getActive() == 3);
            go.set(true);
            Job failed = until(h, j, "Failed with MaxFailedIndexesExceeded", x -> Jobs.isTrue(x, Jobs.FAILED));
            String msg = "Job has exceeded the specified maximal number of failed indexes";
            assertThat(conditionTuples(failed))
                    .containsExactly(
                            Tuple.tuple("FailureTarget", "MaxFailedIndexesExceeded", msg),
                            Tuple.tuple("Failed", "MaxFailedIndexesExceeded", msg));
            // "0-2" too, as kube's: when the status write of the sync that deleted index 2's pod
            // conflicts (a stale Job in the cache), the retry sees that pod terminating, which
            // counts as failed with podReplacementPolicy TerminatingOrFailed (seen here under load)
            assertThat(failed.getStatus().getFailedIndexes()).isIn("0,1", "0-2");
            assertThat(failed.getStatus().getActive()).isZero();
            assertThat(failed.getStatus().getTerminating()).isZero();
            Poll.until(
                    WAIT,
                    "the running index's pod deleted",
                    () -> podsOf(h, j).stream().noneMatch(Pods::isActive));
            Poll.until(
                    WAIT,
                    "a MaxFailedIndexesExceeded event",
                    () -> !h.events("MaxFailedIndexesExceeded").isEmpty());
        }
    }

    @Test
    void theFailIndexActionFailsOnlyThatIndexWithoutRetrying() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> "0".equals(index(p)) ? 42 : 0;
            PodFailurePolicy policy = PodFailurePolicy.newBuilder()
                    .addRules(PodFailurePolicyRule.newBuilder()
                            .setAction("FailIndex")
                            .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                    .setOperator("In")
                                    .addValues(42)))
                    .build();
            Job j = create(
                    h,
                    job(
                            "failindex",
                            s -> s.setCompletionMode("Indexed")
                                    .setCompletions(3)
                                    .setParallelism(3)
                                    .setBackoffLimitPerIndex(5)
                                    .setPodFailurePolicy(policy)));
            Job failed = until(h, j, "Failed with FailedIndexes", x -> Jobs.isTrue(x, Jobs.FAILED));
            assertThat(Jobs.condition(failed, Jobs.FAILED).orElseThrow().getReason())
                    .isEqualTo("FailedIndexes");
            assertThat(failed.getStatus().getFailedIndexes()).isEqualTo("0");
            assertThat(failed.getStatus().getCompletedIndexes()).isEqualTo("1,2");
            assertThat(describe(h, j))
                    .as("index 0 not retried though 5 retries were allowed")
                    .containsExactly("0:Failed:0", "1:Succeeded:0", "2:Succeeded:0");
        }
    }

    @Test
    void aSuccessPolicyOnIndexesCompletesTheJobAndStopsTheRest() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            // the leader indexes 0 and 1 finish, once the controller has seen all four pods (else
            // its sync is not "satisfied", and, as kube's, counts the workers it stopped as
            // failures); the workers run until stopped
            AtomicBoolean go = new AtomicBoolean();
            runner.exitCode = p -> go.get() && Set.of("0", "1").contains(index(p)) ? 0 : null;
            Job j = create(
                    h,
                    job(
                            "leaders",
                            s -> s.setCompletionMode("Indexed")
                                    .setCompletions(4)
                                    .setParallelism(4)
                                    .setSuccessPolicy(SuccessPolicy.newBuilder()
                                            .addRules(SuccessPolicyRule.newBuilder()
                                                    .setSucceededIndexes("0,1")))));
            until(h, j, "four active", x -> x.getStatus().getActive() == 4);
            go.set(true);
            Job done = until(h, j, "Complete by the success policy", x -> Jobs.isTrue(x, Jobs.COMPLETE));
            assertThat(conditionTuples(done))
                    .as("SuccessCriteriaMet first, then Complete, with kube's reason")
                    .containsExactly(
                            Tuple.tuple("SuccessCriteriaMet", "SuccessPolicy", "Matched rules at index 0"),
                            Tuple.tuple("Complete", "SuccessPolicy", "Matched rules at index 0"));
            assertThat(done.getStatus().hasCompletionTime()).isTrue();
            assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0,1");
            assertThat(done.getStatus().getSucceeded()).isEqualTo(2);
            // the workers stopped are not failures — unless, as in kube, the status write of the
            // sync that deleted them conflicts and the retry sees them terminating (counted failed)
            assertThat(done.getStatus().getFailed())
                    .as("the workers stopped (2) are not failures but after a conflicted status write")
                    .isIn(0, 2);
            assertThat(done.getStatus().getActive()).isZero();
            assertThat(done.getStatus().getTerminating()).isZero();
            Map<String, String> phases = podsOf(h, j).stream()
                    .collect(Collectors.toMap(
                            JobIndexPoliciesTest::index, p -> p.getStatus().getPhase()));
            assertThat(phases).containsEntry("0", "Succeeded").containsEntry("1", "Succeeded");
            assertThat(podsOf(h, j)).noneMatch(Pods::isActive);
        }
    }

    @Test
    void aSuccessPolicyOnACountMatchesTheFirstRuleMet() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            runner.exitCode = p -> Set.of("3", "4").contains(index(p)) ? 0 : null;
            Job j = create(
                    h,
                    job(
                            "anytwo",
                            s -> s.setCompletionMode("Indexed")
                                    .setCompletions(5)
                                    .setParallelism(5)
                                    .setSuccessPolicy(SuccessPolicy.newBuilder()
                                            .addRules(SuccessPolicyRule.newBuilder()
                                                    .setSucceededIndexes("0"))
                                            .addRules(SuccessPolicyRule.newBuilder()
                                                    .setSucceededCount(2)))));
            Job done = until(h, j, "Complete by rule 1", x -> Jobs.isTrue(x, Jobs.COMPLETE));
            JobCondition c = Jobs.condition(done, Jobs.COMPLETE).orElseThrow();
            assertThat(c.getReason()).isEqualTo("SuccessPolicy");
            assertThat(c.getMessage()).isEqualTo("Matched rules at index 1");
            assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("3,4");
            Poll.until(
                    WAIT,
                    "the other indexes stopped",
                    () -> podsOf(h, j).stream().noneMatch(Pods::isActive));
        }
    }

    @Test
    void aJobManagedByAnotherControllerIsLeftAlone() throws Exception {
        ManualClock clock = new ManualClock(Instant.now());
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, clock, "--controllers=job");
                JobPodRunner runner = new JobPodRunner(h, clock)) {
            Job other = create(h, job("theirs", s -> s.setManagedBy("example.com/batch-controller")));
            Job ours = create(h, job("ours", s -> s.setManagedBy(Jobs.JOB_CONTROLLER_NAME)));
            until(h, ours, "the Job naming kube's controller completes", x -> Jobs.isTrue(x, Jobs.COMPLETE));
            Poll.holds(Duration.ofMillis(1500), "no pod and no status for the other controller's Job", () -> {
                assertThat(podsOf(h, other)).isEmpty();
                assertThat(get(h, "theirs").getStatus()).isEqualTo(other.getStatus());
            });
        }
    }
}
