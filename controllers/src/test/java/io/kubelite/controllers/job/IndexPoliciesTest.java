package io.kubelite.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateTerminated;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Job;
import io.kubelite.api.JobSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.api.PodFailurePolicyOnExitCodesRequirement;
import io.kubelite.api.PodFailurePolicyRule;
import io.kubelite.api.PodStatus;
import io.kubelite.api.SuccessPolicy;
import io.kubelite.api.SuccessPolicyRule;
import io.kubelite.controllers.util.ManualClock;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.batch.job.Jobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SuccessPolicies} and {@link IndexFailures} as pure functions, on kube's own test cases where it has them. */
class IndexPoliciesTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static OrderedIntervals ix(String s) {
        return OrderedIntervals.parse(s, 100);
    }

    private static SuccessPolicy policy(SuccessPolicyRule.Builder... rules) {
        SuccessPolicy.Builder b = SuccessPolicy.newBuilder();
        for (SuccessPolicyRule.Builder r : rules) {
            b.addRules(r);
        }
        return b.build();
    }

    @Test
    void successPolicyRulesMatchInOrder() {
        var indexes = SuccessPolicyRule.newBuilder().setSucceededIndexes("0-2");
        var count = SuccessPolicyRule.newBuilder().setSucceededCount(2);
        assertThat(SuccessPolicies.match(policy(indexes, count), 10, ix("0-2"))).isEqualTo("Matched rules at index 0");
        assertThat(SuccessPolicies.match(policy(indexes, count), 10, ix("5,7"))).isEqualTo("Matched rules at index 1");
        assertThat(SuccessPolicies.match(policy(indexes, count), 10, ix("5"))).isNull();
        assertThat(SuccessPolicies.match(policy(indexes), 10, OrderedIntervals.EMPTY))
                .isNull();
        assertThat(SuccessPolicies.match(null, 10, ix("0-9"))).isNull();
        // an index list that does not parse (here: beyond completions) is skipped
        assertThat(SuccessPolicies.match(
                        policy(SuccessPolicyRule.newBuilder().setSucceededIndexes("20"), count), 10, ix("1,3")))
                .isEqualTo("Matched rules at index 1");
    }

    @Test
    void succeededIndexesWithACountNeedOnlyThatManyOfThem() {
        // kube's "rules.succeededIndexes=1-4, succeededCount=3; completed 1,3,5": only 1 and 3 count
        assertThat(SuccessPolicies.matchIndexes(ix("1-4"), ix("1,3,5"), 3)).isFalse();
        assertThat(SuccessPolicies.matchIndexes(ix("1-4"), ix("1,3-5"), 3)).isTrue();
        assertThat(SuccessPolicies.matchIndexes(ix("0,2,4-6"), ix("0-6"), null)).isTrue();
        assertThat(SuccessPolicies.matchIndexes(ix("0,2,4-6"), ix("0-5"), null)).isFalse();
        assertThat(SuccessPolicies.matchIndexes(ix("3-5,8-10"), ix("0-4,9-12"), 4))
                .isTrue();
    }

    private static Job job(int perIndex, PodFailurePolicy pfp) {
        JobSpec.Builder s = JobSpec.newBuilder()
                .setCompletionMode("Indexed")
                .setCompletions(3)
                .setBackoffLimitPerIndex(perIndex)
                .setPodReplacementPolicy("Failed");
        if (pfp != null) {
            s.setPodFailurePolicy(pfp);
        }
        return Job.newBuilder().setSpec(s).build();
    }

    private static Pod failed(String uid, int index, int exitCode, Map<String, String> annotations, Instant finished) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("p-" + uid)
                        .setNamespace("default")
                        .setUid(uid)
                        .addFinalizers(Jobs.TRACKING_FINALIZER)
                        .putAnnotations(Jobs.COMPLETION_INDEX, Integer.toString(index))
                        .putAllAnnotations(annotations))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Failed")
                        .addContainerStatuses(ContainerStatus.newBuilder()
                                .setName("work")
                                .setState(ContainerState.newBuilder()
                                        .setTerminated(ContainerStateTerminated.newBuilder()
                                                .setExitCode(exitCode)
                                                .setFinishedAt(Times.ts(finished))))))
                .build();
    }

    @Test
    void anIndexFailsAtItsLimitOrByAFailIndexRule() {
        PodFailurePolicy pfp = PodFailurePolicy.newBuilder()
                .addRules(PodFailurePolicyRule.newBuilder()
                        .setAction("FailIndex")
                        .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                .setOperator("In")
                                .addValues(42)))
                .addRules(PodFailurePolicyRule.newBuilder()
                        .setAction("Ignore")
                        .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                .setOperator("In")
                                .addValues(3)))
                .build();
        Job j = job(2, pfp);
        assertThat(IndexFailures.failsIndex(j, failed("a", 0, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "1"), NOW)))
                .isFalse();
        assertThat(IndexFailures.failsIndex(j, failed("b", 0, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "2"), NOW)))
                .isTrue();
        assertThat(IndexFailures.failsIndex(j, failed("c", 0, 42, Map.of(), NOW)))
                .as("FailIndex")
                .isTrue();
        assertThat(IndexFailures.failsIndex(j, failed("d", 0, 3, Map.of(Jobs.INDEX_FAILURE_COUNT, "5"), NOW)))
                .as("an ignored failure never fails the index")
                .isFalse();
        assertThat(IndexFailures.failureCount(failed("e", 0, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "x"), NOW)))
                .as("a bad annotation reads 0")
                .isZero();
        assertThat(IndexFailures.failureCount(failed("e", 0, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "-4"), NOW)))
                .isZero();
        // the replacement's counts: counted failures and ignored ones apart
        assertThat(IndexFailures.annotations(j, null)).isEqualTo(Map.of(Jobs.INDEX_FAILURE_COUNT, "0"));
        assertThat(IndexFailures.annotations(j, failed("f", 0, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "1"), NOW)))
                .isEqualTo(Map.of(Jobs.INDEX_FAILURE_COUNT, "2"));
        assertThat(IndexFailures.annotations(j, failed("g", 0, 3, Map.of(Jobs.INDEX_FAILURE_COUNT, "1"), NOW)))
                .isEqualTo(Map.of(Jobs.INDEX_FAILURE_COUNT, "1", Jobs.INDEX_IGNORED_FAILURE_COUNT, "1"));
    }

    @Test
    void theLatestFailedPodOfAnIndexToRetryIsKeptAndSetsItsBackOff() {
        Job j = job(3, null);
        Pod first = failed("a", 1, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "0"), NOW.minusSeconds(30));
        Pod second = failed("b", 1, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "1"), NOW.minusSeconds(5));
        Pod ofFailedIndex = failed("c", 2, 1, Map.of(Jobs.INDEX_FAILURE_COUNT, "3"), NOW);
        List<Pod> pods = List.of(second, first, ofFailedIndex);
        OrderedIntervals failedIndexes = IndexFailures.failedIndexes(j, pods);
        assertThat(failedIndexes.toString()).isEqualTo("2");
        Map<Integer, Pod> delayed =
                IndexFailures.delayedDeletion(j, pods, List.of(), Set.of(), OrderedIntervals.EMPTY, failedIndexes);
        assertThat(delayed).containsOnlyKeys(1);
        assertThat(delayed.get(1).getMetadata().getUid()).isEqualTo("b");
        // two failures so far: 20 s from the last one, 5 s ago
        ManualClock clock = new ManualClock(NOW);
        IndexFailures.Creatable c = IndexFailures.creatable(List.of(0, 1), delayed, BackoffRecords.BASE, clock);
        assertThat(c.indexes()).as("index 0 has no failure to wait for").containsExactly(0);
        c = IndexFailures.creatable(List.of(1), delayed, BackoffRecords.BASE, clock);
        assertThat(c.indexes()).isEmpty();
        assertThat(c.delay()).isEqualTo(Duration.ofSeconds(15));
        clock.advance(Duration.ofSeconds(15));
        assertThat(IndexFailures.creatable(List.of(1), delayed, BackoffRecords.BASE, clock)
                        .indexes())
                .containsExactly(1);
    }
}
