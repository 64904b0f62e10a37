package io.kubelite.kinds.batch.job;

import io.kubelite.api.JobSpec;
import io.kubelite.api.PodFailurePolicyOnExitCodesRequirement;
import io.kubelite.api.PodFailurePolicyOnPodConditionsPattern;
import io.kubelite.api.PodFailurePolicyRule;
import io.kubelite.api.PodSpec;
import io.kubelite.kinds.core.pod.PodSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's {@code validateJobSpec} (pkg/apis/batch/validation), shared by Jobs and CronJobs' job
 * templates: non-negative counts, the per-index limits and success policy of Indexed Jobs
 * ({@link IndexedJobValidation}), {@code managedBy}, the completion mode, the pod failure
 * policy, the pod replacement policy, the pod template, and a restartPolicy of OnFailure or
 * Never (only Never with a pod failure policy), with kube's field paths and messages.
 */
public final class JobSpecValidation {
    static final List<String> COMPLETION_MODES = List.of(Jobs.NON_INDEXED, Jobs.INDEXED);
    static final List<String> ACTIONS = List.of("Count", "FailIndex", "FailJob", "Ignore");
    static final List<String> OPERATORS = List.of("In", "NotIn");
    static final List<String> STATUSES = List.of("False", "True", "Unknown");
    static final List<String> REPLACEMENT_POLICIES = List.of("Failed", "TerminatingOrFailed");
    static final int MAX_PARALLELISM_INDEXED = 100000;

    private JobSpecValidation() {}

    /** Validates {@code spec} at {@code path} ({@code spec} or {@code spec.jobTemplate.spec}). */
    public static void validate(JobSpec spec, String path, FieldErrors errs) {
        nonNegative(spec.hasParallelism(), spec.getParallelism(), path + ".parallelism", errs);
        nonNegative(spec.hasCompletions(), spec.getCompletions(), path + ".completions", errs);
        nonNegative(
                spec.hasActiveDeadlineSeconds(),
                spec.getActiveDeadlineSeconds(),
                path + ".activeDeadlineSeconds",
                errs);
        nonNegative(spec.hasBackoffLimit(), spec.getBackoffLimit(), path + ".backoffLimit", errs);
        nonNegative(
                spec.hasTtlSecondsAfterFinished(),
                spec.getTtlSecondsAfterFinished(),
                path + ".ttlSecondsAfterFinished",
                errs);
        IndexedJobValidation.limits(spec, path, errs);
        if (spec.hasManagedBy()) {
            ManagedBy.validate(spec.getManagedBy(), path + ".managedBy", errs);
        }
        if (spec.hasCompletionMode()) {
            String mode = spec.getCompletionMode();
            if (!COMPLETION_MODES.contains(mode)) {
                errs.notSupported(path + ".completionMode", mode, COMPLETION_MODES);
            }
            if (mode.equals(Jobs.INDEXED)) {
                if (!spec.hasCompletions()) {
                    errs.required(path + ".completions", "when completion mode is Indexed");
                }
                if (spec.hasParallelism() && spec.getParallelism() > MAX_PARALLELISM_INDEXED) {
                    errs.invalid(
                            path + ".parallelism",
                            spec.getParallelism(),
                            "must be less than or equal to " + MAX_PARALLELISM_INDEXED
                                    + " when completion mode is Indexed");
                }
                IndexedJobValidation.indexed(spec, path, errs);
            }
        }
        boolean indexed = Jobs.INDEXED.equals(spec.getCompletionMode());
        if (!spec.hasCompletionMode() || spec.getCompletionMode().equals(Jobs.NON_INDEXED)) {
            IndexedJobValidation.nonIndexed(spec, path, errs);
        }
        if (spec.hasPodFailurePolicy()) {
            podFailurePolicy(spec, path + ".podFailurePolicy", errs);
        }
        if (spec.hasSuccessPolicy()) {
            if (!indexed) {
                // kube prints the policy as Go's %#v, pointers' addresses and all: no value here
                errs.invalidNoValue(path + ".successPolicy", "requires indexed completion mode");
            } else {
                IndexedJobValidation.successPolicy(spec, path + ".successPolicy", errs);
            }
        }
        if (spec.hasPodReplacementPolicy()) {
            String p = spec.getPodReplacementPolicy();
            if (spec.hasPodFailurePolicy()) {
                if (!p.equals("Failed")) {
                    errs.notSupported(path + ".podReplacementPolicy", p, List.of("Failed"));
                }
            } else if (!REPLACEMENT_POLICIES.contains(p)) {
                errs.notSupported(path + ".podReplacementPolicy", p, REPLACEMENT_POLICIES);
            }
        }
        PodSpec pod = spec.getTemplate().getSpec();
        PodSpecValidation.validate(pod, path + ".template.spec", errs);
        String rp = pod.getRestartPolicy();
        String rpPath = path + ".template.spec.restartPolicy";
        if (rp.isEmpty() || rp.equals("Always")) {
            errs.required(rpPath, "valid values: \"OnFailure\", \"Never\"");
        } else if (!rp.equals("OnFailure") && !rp.equals("Never")) {
            // PodSpecValidation has already said it is not one of the pod's policies
        } else if (spec.hasPodFailurePolicy() && !rp.equals("Never")) {
            errs.invalid(rpPath, rp, "only \"Never\" is supported when podFailurePolicy is specified");
        }
    }

    private static void podFailurePolicy(JobSpec spec, String path, FieldErrors errs) {
        List<PodFailurePolicyRule> rules = spec.getPodFailurePolicy().getRulesList();
        if (rules.size() > 20) {
            errs.tooMany(path + ".rules", rules.size(), 20);
        }
        Set<String> containers = new HashSet<>();
        spec.getTemplate().getSpec().getContainersList().forEach(c -> containers.add(c.getName()));
        spec.getTemplate().getSpec().getInitContainersList().forEach(c -> containers.add(c.getName()));
        for (int i = 0; i < rules.size(); i++) {
            PodFailurePolicyRule r = rules.get(i);
            String rp = path + ".rules[" + i + "]";
            if (r.getAction().isEmpty()) {
                errs.required(rp + ".action", "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]");
            } else if (r.getAction().equals("FailIndex")) {
                if (!spec.hasBackoffLimitPerIndex()) {
                    errs.invalid(rp + ".action", r.getAction(), "requires the backoffLimitPerIndex to be set");
                }
            } else if (!ACTIONS.contains(r.getAction())) {
                errs.notSupported(rp + ".action", r.getAction(), ACTIONS);
            }
            if (r.hasOnExitCodes()) {
                onExitCodes(r.getOnExitCodes(), rp + ".onExitCodes", containers, errs);
            }
            for (int j = 0; j < r.getOnPodConditionsCount(); j++) {
                PodFailurePolicyOnPodConditionsPattern p = r.getOnPodConditions(j);
                String pp = rp + ".onPodConditions[" + j + "]";
                errs.invalidIf(pp + ".type", p.getType(), Names.qualifiedNameError(p.getType()));
                if (p.getStatus().isEmpty()) {
                    errs.required(pp + ".status", "valid values: [\"False\" \"True\" \"Unknown\"]");
                } else if (!STATUSES.contains(p.getStatus())) {
                    errs.notSupported(pp + ".status", p.getStatus(), STATUSES);
                }
            }
            if (r.hasOnExitCodes() && r.getOnPodConditionsCount() > 0) {
                errs.invalidNoValue(rp, "specifying both OnExitCodes and OnPodConditions is not supported");
            }
            if (!r.hasOnExitCodes() && r.getOnPodConditionsCount() == 0) {
                errs.invalidNoValue(rp, "specifying one of OnExitCodes and OnPodConditions is required");
            }
        }
    }

    private static void onExitCodes(
            PodFailurePolicyOnExitCodesRequirement req, String path, Set<String> containers, FieldErrors errs) {
        if (req.getOperator().isEmpty()) {
            errs.required(path + ".operator", "valid values: [\"In\" \"NotIn\"]");
        } else if (!OPERATORS.contains(req.getOperator())) {
            errs.notSupported(path + ".operator", req.getOperator(), OPERATORS);
        }
        if (req.hasContainerName() && !containers.contains(req.getContainerName())) {
            errs.invalid(
                    path + ".containerName",
                    req.getContainerName(),
                    "must be one of the container or initContainer names in the pod template");
        }
        List<Integer> values = req.getValuesList();
        if (values.isEmpty()) {
            errs.invalid(path + ".values", "[]int32(nil)", "at least one value is required");
        } else if (values.size() > 255) {
            errs.tooMany(path + ".values", values.size(), 255);
        }
        boolean ordered = true;
        Set<Integer> seen = new HashSet<>();
        for (int j = 0; j < values.size(); j++) {
            int v = values.get(j);
            if (req.getOperator().equals("In") && v == 0) {
                errs.invalid(path + ".values[" + j + "]", v, "must not be 0 for the In operator");
            }
            if (!seen.add(v)) {
                errs.duplicate(path + ".values[" + j + "]", v);
            }
            if (j > 0 && values.get(j - 1) > v) {
                ordered = false;
            }
        }
        if (!ordered) {
            errs.invalid(path + ".values", goInts(values), "must be ordered");
        }
    }

    private static String goInts(List<Integer> values) {
        StringBuilder b = new StringBuilder("[]int32{");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(values.get(i));
        }
        return b.append('}').toString();
    }

    private static void nonNegative(boolean set, long value, String field, FieldErrors errs) {
        if (set && value < 0) {
            errs.invalid(field, value, "must be greater than or equal to 0");
        }
    }
}
