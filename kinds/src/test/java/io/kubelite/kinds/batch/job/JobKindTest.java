package io.kubelite.kinds.batch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.Job;
import io.kubelite.api.JobCondition;
import io.kubelite.api.JobSpec;
import io.kubelite.api.JobStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.api.PodFailurePolicyOnExitCodesRequirement;
import io.kubelite.api.PodFailurePolicyOnPodConditionsPattern;
import io.kubelite.api.PodFailurePolicyRule;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.SuccessPolicy;
import io.kubelite.api.SuccessPolicyRule;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The Job kind's strategy and columns as pure functions, with kube's defaults, messages and cells. */
class JobKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static Job pi(String restartPolicy) {
        return Job.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("pi")
                        .setNamespace("default")
                        .setCreationTimestamp(ts(NOW.minusSeconds(20))))
                .setSpec(JobSpec.newBuilder()
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setSpec(PodSpec.newBuilder()
                                        .setRestartPolicy(restartPolicy)
                                        .addContainers(Container.newBuilder()
                                                .setName("pi")
                                                .setImage("perl:5.34.0")))))
                .build();
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
    }

    /** What the API server does on create: defaults, prepareForCreate, validation. */
    private static Job create(Job j) {
        var s = JobKind.KIND.strategy();
        return s.prepareForCreate(s.defaults(j));
    }

    @Test
    void defaultsAndGeneratedSelectorAreKubes() {
        Job j = create(pi("Never"));
        JobSpec s = j.getSpec();
        assertThat(s.getCompletions()).isEqualTo(1);
        assertThat(s.getParallelism()).isEqualTo(1);
        assertThat(s.getBackoffLimit()).isEqualTo(6);
        assertThat(s.getCompletionMode()).isEqualTo("NonIndexed");
        assertThat(s.getSuspend()).isFalse();
        assertThat(s.getPodReplacementPolicy()).isEqualTo("TerminatingOrFailed");
        String uid = j.getMetadata().getUid();
        assertThat(uid).isNotEmpty();
        assertThat(s.getSelector().getMatchLabelsMap())
                .containsExactlyEntriesOf(java.util.Map.of(Jobs.CONTROLLER_UID_LABEL, uid));
        assertThat(s.getTemplate().getMetadata().getLabelsMap())
                .containsEntry("batch.kubernetes.io/controller-uid", uid)
                .containsEntry("batch.kubernetes.io/job-name", "pi")
                .containsEntry("controller-uid", uid)
                .containsEntry("job-name", "pi");
        assertThat(j.getMetadata().getLabelsMap())
                .isEqualTo(s.getTemplate().getMetadata().getLabelsMap());
        assertThat(JobKind.KIND.validateCreate(j)).isEmpty();
        // only parallelism set: completions stay unset
        Job par = pi("Never").toBuilder()
                .setSpec(pi("Never").getSpec().toBuilder().setParallelism(3))
                .build();
        assertThat(create(par).getSpec().hasCompletions()).isFalse();
        assertThat(Kinds.find("jobs")).contains(JobKind.RESOURCE);
        assertThat(JobKind.RESOURCE.apiVersion()).isEqualTo("batch/v1");
    }

    @Test
    void restartPolicyMustBeNeverOrOnFailure() {
        assertThat(JobKind.KIND.validateCreate(create(pi(""))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.template.spec.restartPolicy", "Required value: valid values: \"OnFailure\", \"Never\""));
        assertThat(JobKind.KIND.validateCreate(create(pi("OnFailure")))).isEmpty();
        Job withPolicy = pi("OnFailure").toBuilder()
                .setSpec(pi("OnFailure").getSpec().toBuilder()
                        .setPodFailurePolicy(PodFailurePolicy.newBuilder()
                                .addRules(PodFailurePolicyRule.newBuilder()
                                        .setAction("FailJob")
                                        .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                                .setOperator("In")
                                                .addValues(42)))))
                .build();
        assertThat(JobKind.KIND.validateCreate(create(withPolicy)))
                .extracting(FieldError::message)
                .containsExactly(
                        "Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified");
    }

    @Test
    void podFailurePolicyRulesAreValidatedAsKube() {
        Job j = pi("Never").toBuilder()
                .setSpec(pi("Never").getSpec().toBuilder()
                        .setPodFailurePolicy(PodFailurePolicy.newBuilder()
                                .addRules(PodFailurePolicyRule.newBuilder()
                                        .setAction("Explode")
                                        .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                                .setOperator("In")
                                                .setContainerName("nope")
                                                .addAllValues(List.of(3, 0, 3))))
                                .addRules(PodFailurePolicyRule.newBuilder().setAction("Ignore"))
                                .addRules(PodFailurePolicyRule.newBuilder()
                                        .setAction("Ignore")
                                        .addOnPodConditions(PodFailurePolicyOnPodConditionsPattern.newBuilder()
                                                .setType("DisruptionTarget")))))
                .build();
        Job created = create(j);
        // a pattern's status defaults to True; with a pod failure policy pods are replaced only once failed
        assertThat(created.getSpec()
                        .getPodFailurePolicy()
                        .getRules(2)
                        .getOnPodConditions(0)
                        .getStatus())
                .isEqualTo("True");
        assertThat(created.getSpec().getPodReplacementPolicy()).isEqualTo("Failed");
        assertThat(JobKind.KIND.validateCreate(created))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.podFailurePolicy.rules[0].action",
                                "Unsupported value: \"Explode\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\""),
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.podFailurePolicy.rules[0].onExitCodes.containerName",
                                "Invalid value: \"nope\": must be one of the container or initContainer names in the pod template"),
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.podFailurePolicy.rules[0].onExitCodes.values[1]",
                                "Invalid value: 0: must not be 0 for the In operator"),
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.podFailurePolicy.rules[0].onExitCodes.values[2]", "Duplicate value: 3"),
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.podFailurePolicy.rules[0].onExitCodes.values",
                                "Invalid value: \"[]int32{3, 0, 3}\": must be ordered"),
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.podFailurePolicy.rules[1]",
                                "Invalid value: specifying one of OnExitCodes and OnPodConditions is required"));
    }

    @Test
    void indexedNeedsCompletionsAndAHostnameThatFits() {
        Job j = pi("Never").toBuilder()
                .setSpec(pi("Never").getSpec().toBuilder()
                        .setCompletionMode("Indexed")
                        .setParallelism(2))
                .build();
        assertThat(JobKind.KIND.validateCreate(create(j)))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.completions", "Required value: when completion mode is Indexed"));
        Job bad = j.toBuilder()
                .setMetadata(j.getMetadata().toBuilder().setName("a".repeat(62)))
                .setSpec(j.getSpec().toBuilder().setCompletions(10))
                .build();
        assertThat(JobKind.KIND.validateCreate(create(bad)))
                .extracting(FieldError::field)
                .contains("metadata.name");
    }

    @Test
    void aSelectorThatIsNotGeneratedIsRefusedUnlessManual() {
        Job j = pi("Never");
        Job wrong = j.toBuilder()
                .setSpec(j.getSpec().toBuilder()
                        .setSelector(io.kubelite.api.LabelSelector.newBuilder().putMatchLabels("app", "x")))
                .build();
        assertThat(JobKind.KIND.validateCreate(create(wrong)))
                .extracting(FieldError::field)
                .contains("spec.selector", "spec.template.metadata.labels");
        Job manual = wrong.toBuilder()
                .setSpec(wrong.getSpec().toBuilder()
                        .setManualSelector(true)
                        .setTemplate(wrong.getSpec().getTemplate().toBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "x"))))
                .build();
        Job created = create(manual);
        assertThat(created.getSpec().getSelector().getMatchLabelsMap()).containsOnlyKeys("app");
        assertThat(JobKind.KIND.validateCreate(created)).isEmpty();
    }

    @Test
    void updatesKeepTheStatusAndTheImmutableFields() {
        Job stored = create(pi("Never")).toBuilder()
                .setStatus(JobStatus.newBuilder().setActive(1))
                .build();
        var s = JobKind.KIND.strategy();
        Job client = stored.toBuilder().clearStatus().build();
        assertThat(s.prepareForUpdate(client, stored).getStatus().getActive()).isEqualTo(1);
        Job changed = stored.toBuilder()
                .setSpec(stored.getSpec().toBuilder().setCompletions(5).setCompletionMode("Indexed"))
                .build();
        assertThat(JobKind.KIND.validateUpdate(changed, stored))
                .extracting(FieldError::field, FieldError::message)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("spec.completions", "Invalid value: 5: field is immutable"),
                        org.assertj.core.groups.Tuple.tuple(
                                "spec.completionMode", "Invalid value: \"Indexed\": field is immutable"));
        // suspend and parallelism may change
        Job suspended = stored.toBuilder()
                .setSpec(stored.getSpec().toBuilder().setSuspend(true).setParallelism(3))
                .build();
        assertThat(JobKind.KIND.validateUpdate(suspended, stored)).isEmpty();
    }

    private static Job withSpec(UnaryOperator<JobSpec.Builder> f) {
        Job j = pi("Never");
        return j.toBuilder().setSpec(f.apply(j.getSpec().toBuilder())).build();
    }

    private static List<Tuple> errors(Job j) {
        return JobKind.KIND.validateCreate(create(j)).stream()
                .map(e -> Tuple.tuple(e.field(), e.message()))
                .toList();
    }

    @Test
    void backoffLimitPerIndexDefaultsTheGlobalLimitToMaxInt32AndNeedsIndexedMode() {
        Job perIndex = withSpec(s -> s.setCompletionMode("Indexed")
                .setCompletions(4)
                .setBackoffLimitPerIndex(1)
                .setMaxFailedIndexes(2)
                .setPodFailurePolicy(PodFailurePolicy.newBuilder()
                        .addRules(PodFailurePolicyRule.newBuilder()
                                .setAction("FailIndex")
                                .setOnExitCodes(PodFailurePolicyOnExitCodesRequirement.newBuilder()
                                        .setOperator("In")
                                        .addValues(42)))));
        assertThat(create(perIndex).getSpec().getBackoffLimit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(errors(perIndex))
                .as("FailIndex is allowed with backoffLimitPerIndex")
                .isEmpty();
        assertThat(create(withSpec(s -> s.setBackoffLimitPerIndex(1).setBackoffLimit(3)))
                        .getSpec()
                        .getBackoffLimit())
                .as("an explicit backoffLimit stays")
                .isEqualTo(3);

        assertThat(errors(withSpec(s -> s.setBackoffLimitPerIndex(1).setMaxFailedIndexes(1))))
                .containsExactly(
                        Tuple.tuple("spec.backoffLimitPerIndex", "Invalid value: 1: requires indexed completion mode"),
                        Tuple.tuple("spec.maxFailedIndexes", "Invalid value: 1: requires indexed completion mode"));
        assertThat(errors(withSpec(s -> s.setCompletionMode("Indexed")
                        .setCompletions(3)
                        .setBackoffLimitPerIndex(-1)
                        .setMaxFailedIndexes(4))))
                .containsExactly(
                        Tuple.tuple(
                                "spec.backoffLimitPerIndex", "Invalid value: -1: must be greater than or equal to 0"),
                        Tuple.tuple(
                                "spec.maxFailedIndexes",
                                "Invalid value: 4: must be less than or equal to completions"));
        assertThat(errors(withSpec(
                        s -> s.setCompletionMode("Indexed").setCompletions(3).setMaxFailedIndexes(1))))
                .containsExactly(
                        Tuple.tuple("spec.backoffLimitPerIndex", "Required value: when maxFailedIndexes is specified"));
        assertThat(errors(withSpec(s -> s.setCompletionMode("Indexed")
                        .setCompletions(200_000)
                        .setParallelism(20_000)
                        .setBackoffLimitPerIndex(1))))
                .contains(
                        Tuple.tuple(
                                "spec.maxFailedIndexes",
                                "Required value: must be specified when completions is above 100000"),
                        Tuple.tuple(
                                "spec.parallelism",
                                "Invalid value: 20000: must be less than or equal to 10000 when completions are above"
                                        + " 100000 and used with backoff limit per index"));
        PodFailurePolicy failIndex = perIndex.getSpec().getPodFailurePolicy();
        assertThat(errors(withSpec(
                        s -> s.setCompletionMode("Indexed").setCompletions(2).setPodFailurePolicy(failIndex))))
                .containsExactly(Tuple.tuple(
                        "spec.podFailurePolicy.rules[0].action",
                        "Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set"));
    }

    @Test
    void successPolicyRulesAreValidatedAsKube() {
        UnaryOperator<JobSpec.Builder> indexed =
                s -> s.setCompletionMode("Indexed").setCompletions(5);
        Job ok = withSpec(s -> indexed.apply(s)
                .setSuccessPolicy(SuccessPolicy.newBuilder()
                        .addRules(SuccessPolicyRule.newBuilder()
                                .setSucceededIndexes("0,2-4")
                                .setSucceededCount(2))
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededCount(5))));
        assertThat(errors(ok)).isEmpty();
        assertThat(errors(withSpec(s -> s.setSuccessPolicy(SuccessPolicy.newBuilder()
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededCount(1))))))
                .containsExactly(Tuple.tuple("spec.successPolicy", "Invalid value: requires indexed completion mode"));
        assertThat(errors(withSpec(s -> indexed.apply(s).setSuccessPolicy(SuccessPolicy.getDefaultInstance()))))
                .containsExactly(Tuple.tuple(
                        "spec.successPolicy.rules",
                        "Required value: at least one rules must be specified when the successPolicy is specified"));
        Job bad = withSpec(s -> indexed.apply(s)
                .setSuccessPolicy(SuccessPolicy.newBuilder()
                        .addRules(SuccessPolicyRule.getDefaultInstance())
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededIndexes("3,1"))
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededIndexes("1-7"))
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededIndexes("a"))
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededCount(6))
                        .addRules(SuccessPolicyRule.newBuilder()
                                .setSucceededIndexes("0-1")
                                .setSucceededCount(3))));
        assertThat(errors(bad))
                .containsExactly(
                        Tuple.tuple(
                                "spec.successPolicy.rules[0]",
                                "Required value: at least one of succeededCount or succeededIndexes must be specified"),
                        Tuple.tuple(
                                "spec.successPolicy.rules[1].succeededIndexes",
                                "Invalid value: \"3,1\": error parsing succeededIndexes: non-increasing order,"
                                        + " previous: 3, current: 1"),
                        Tuple.tuple(
                                "spec.successPolicy.rules[2].succeededIndexes",
                                "Invalid value: \"1-7\": error parsing succeededIndexes: too large index: \"7\""),
                        Tuple.tuple(
                                "spec.successPolicy.rules[3].succeededIndexes",
                                "Invalid value: \"a\": error parsing succeededIndexes: cannot convert string to"
                                        + " integer for index: \"a\""),
                        Tuple.tuple(
                                "spec.successPolicy.rules[4].succeededCount",
                                "Invalid value: 6: must be less than or equal to 5 (the number of specified completions)"),
                        Tuple.tuple(
                                "spec.successPolicy.rules[5].succeededCount",
                                "Invalid value: 3: must be less than or equal to 2 (the number of indexes in the"
                                        + " specified succeededIndexes field)"));
    }

    @Test
    void managedByIsADomainPrefixedPathAndImmutable() {
        assertThat(errors(withSpec(s -> s.setManagedBy("kueue.x-k8s.io/multikueue"))))
                .isEmpty();
        assertThat(errors(withSpec(s -> s.setManagedBy("no-slash"))))
                .containsExactly(Tuple.tuple(
                        "spec.managedBy",
                        "Invalid value: \"no-slash\": must be a domain-prefixed path (such as \"acme.io/foo\")"));
        assertThat(errors(withSpec(s -> s.setManagedBy("Bad_Host/x"))))
                .extracting(t -> t.toList().get(1).toString())
                .singleElement()
                .asString()
                .startsWith("Invalid value: \"Bad_Host\": a lowercase RFC 1123 subdomain");
        assertThat(errors(withSpec(s -> s.setManagedBy("example.com/" + "a".repeat(60)))))
                .containsExactly(Tuple.tuple("spec.managedBy", "Too long: may not be longer than 63"));
        assertThat(errors(withSpec(s -> s.setManagedBy("example.com/a b"))))
                .containsExactly(Tuple.tuple(
                        "spec.managedBy",
                        "Invalid value: \"a b\": Invalid path (regex used for validation is"
                                + " '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));

        Job stored = create(withSpec(s -> s.setCompletionMode("Indexed")
                .setCompletions(2)
                .setBackoffLimitPerIndex(1)
                .setSuccessPolicy(SuccessPolicy.newBuilder()
                        .addRules(SuccessPolicyRule.newBuilder().setSucceededCount(1)))));
        Job changed = stored.toBuilder()
                .setSpec(stored.getSpec().toBuilder()
                        .setManagedBy("example.com/mine")
                        .setBackoffLimitPerIndex(2)
                        .clearSuccessPolicy())
                .build();
        assertThat(JobKind.KIND.validateUpdate(changed, stored))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(
                        Tuple.tuple("spec.backoffLimitPerIndex", "Invalid value: 2: field is immutable"),
                        Tuple.tuple("spec.managedBy", "Invalid value: \"example.com/mine\": field is immutable"),
                        Tuple.tuple("spec.successPolicy", "Invalid value: field is immutable"));
    }

    @Test
    void columnsAreKubectls() {
        Job j = create(pi("Never"));
        assertThat(JobKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly(
                        "Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector");
        assertThat(JobKind.KIND.row(j, NOW, false)).containsExactly("pi", "Running", "0/1", "", "20s");
        Job running = j.toBuilder()
                .setStatus(JobStatus.newBuilder()
                        .setStartTime(ts(NOW.minusSeconds(15)))
                        .setActive(1))
                .build();
        assertThat(JobKind.KIND.row(running, NOW, false)).containsExactly("pi", "Running", "0/1", "15s", "20s");
        Job done = j.toBuilder()
                .setStatus(JobStatus.newBuilder()
                        .setStartTime(ts(NOW.minusSeconds(15)))
                        .setCompletionTime(ts(NOW.minusSeconds(10)))
                        .setSucceeded(1)
                        .addConditions(JobCondition.newBuilder()
                                .setType("SuccessCriteriaMet")
                                .setStatus("True"))
                        .addConditions(
                                JobCondition.newBuilder().setType("Complete").setStatus("True")))
                .build();
        assertThat(JobKind.KIND.row(done, NOW, true))
                .containsExactly(
                        "pi",
                        "Complete",
                        "1/1",
                        "5s",
                        "20s",
                        "pi",
                        "perl:5.34.0",
                        "batch.kubernetes.io/controller-uid=" + j.getMetadata().getUid());
        Job parallel = j.toBuilder()
                .setSpec(j.getSpec().toBuilder().clearCompletions().setParallelism(4))
                .build();
        assertThat(JobKind.KIND.row(parallel, NOW, false).get(2)).isEqualTo("0/1 of 4");
        Job failed = j.toBuilder()
                .setStatus(JobStatus.newBuilder()
                        .addConditions(JobCondition.newBuilder()
                                .setType("FailureTarget")
                                .setStatus("True")))
                .build();
        assertThat(JobKind.KIND.row(failed, NOW, false).get(1)).isEqualTo("FailureTarget");
    }
}
