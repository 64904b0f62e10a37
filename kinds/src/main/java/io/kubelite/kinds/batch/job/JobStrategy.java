package io.kubelite.kinds.batch.job;

import io.kubelite.api.Job;
import io.kubelite.api.JobSpec;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.api.PodFailurePolicyOnPodConditionsPattern;
import io.kubelite.api.PodFailurePolicyRule;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.labels.Selector;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import io.kubelite.kinds.validation.PodTemplateValidation;
import java.util.Map;
import java.util.UUID;

/**
 * kube's Job strategy and defaults ({@code SetDefaults_Job}, {@code jobStrategy}): completions and
 * parallelism 1 when both are unset (parallelism 1 when only it is), backoffLimit 6 (MaxInt32
 * with backoffLimitPerIndex),
 * completionMode NonIndexed, suspend false, podReplacementPolicy (Failed with a pod failure
 * policy, else TerminatingOrFailed), a pod failure policy's condition patterns status True, the
 * pod template's scheme defaults. On create the status is reset and, unless
 * {@code manualSelector}, the selector is generated: the template gets the
 * {@code batch.kubernetes.io/controller-uid}, {@code batch.kubernetes.io/job-name},
 * {@code controller-uid} and {@code job-name} labels and the selector matches the first. The uid
 * the selector names is assigned here (the store keeps it), since kubelite's API server leaves
 * uids to the store. The Job takes its template's labels when it has none.
 */
final class JobStrategy implements Strategy<Job> {

    @Override
    public Job defaults(Job job) {
        Job.Builder b = job.toBuilder();
        JobSpec.Builder s = b.getSpecBuilder();
        defaultSpec(s);
        return b.build();
    }

    /** The scheme defaults of a JobSpec (also a CronJob's job template's pod template). */
    static void defaultSpec(JobSpec.Builder s) {
        if (!s.hasCompletions() && !s.hasParallelism()) {
            s.setCompletions(1);
            s.setParallelism(1);
        }
        if (!s.hasParallelism()) {
            s.setParallelism(1);
        }
        if (!s.hasBackoffLimit()) {
            // per-index limits replace the global one, which then never fails the Job itself
            s.setBackoffLimit(s.hasBackoffLimitPerIndex() ? Integer.MAX_VALUE : 6);
        }
        if (!s.hasCompletionMode()) {
            s.setCompletionMode(Jobs.NON_INDEXED);
        }
        if (!s.hasSuspend()) {
            s.setSuspend(false);
        }
        if (s.hasPodFailurePolicy()) {
            PodFailurePolicy.Builder pfp = s.getPodFailurePolicyBuilder();
            for (PodFailurePolicyRule.Builder r : pfp.getRulesBuilderList()) {
                for (PodFailurePolicyOnPodConditionsPattern.Builder p : r.getOnPodConditionsBuilderList()) {
                    if (p.getStatus().isEmpty()) {
                        p.setStatus("True");
                    }
                }
            }
        }
        if (!s.hasPodReplacementPolicy()) {
            s.setPodReplacementPolicy(s.hasPodFailurePolicy() ? "Failed" : "TerminatingOrFailed");
        }
        if (s.hasTemplate()) {
            s.getTemplateBuilder()
                    .setSpec(PodSpecDefaults.scheme(s.getTemplate().getSpec()));
        }
    }

    @Override
    public Job prepareForCreate(Job job) {
        Job.Builder b = job.toBuilder().clearStatus();
        ObjectMeta.Builder m = b.getMetadataBuilder();
        if (m.getUid().isEmpty()) {
            m.setUid(UUID.randomUUID().toString());
        }
        if (!(b.getSpec().hasManualSelector() && b.getSpec().getManualSelector())) {
            generateSelector(b);
        }
        Map<String, String> templateLabels =
                b.getSpec().getTemplate().getMetadata().getLabelsMap();
        if (m.getLabelsCount() == 0 && !templateLabels.isEmpty()) {
            m.putAllLabels(templateLabels);
        }
        return b.build();
    }

    /** kube's {@code generateSelector}: labels the user set themselves are kept (and rejected by validation if wrong). */
    private static void generateSelector(Job.Builder b) {
        String name = b.getMetadata().getName();
        String uid = b.getMetadata().getUid();
        PodTemplateSpec.Builder t = b.getSpecBuilder().getTemplateBuilder();
        ObjectMeta.Builder tm = t.getMetadataBuilder();
        for (String l : new String[] {Jobs.LEGACY_JOB_NAME_LABEL, Jobs.JOB_NAME_LABEL}) {
            if (!tm.containsLabels(l)) {
                tm.putLabels(l, name);
            }
        }
        for (String l : new String[] {Jobs.LEGACY_CONTROLLER_UID_LABEL, Jobs.CONTROLLER_UID_LABEL}) {
            if (!tm.containsLabels(l)) {
                tm.putLabels(l, uid);
            }
        }
        LabelSelector.Builder sel = b.getSpecBuilder().getSelectorBuilder();
        if (!sel.containsMatchLabels(Jobs.CONTROLLER_UID_LABEL)) {
            sel.putMatchLabels(Jobs.CONTROLLER_UID_LABEL, uid);
        }
    }

    @Override
    public Job prepareForUpdate(Job job, Job old) {
        Job.Builder b = job.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(Job job, FieldErrors errs) {
        generatedSelector(job, errs);
        JobSpec spec = job.getSpec();
        JobSpecValidation.validate(spec, "spec", errs);
        LabelSelector sel = spec.getSelector();
        if (!spec.hasSelector()) {
            errs.required("spec.selector");
        } else {
            SelectorValidation.validate(sel, "spec.selector", errs);
            Map<String, String> labels = spec.getTemplate().getMetadata().getLabelsMap();
            if (!Selector.of(sel).matches(labels)) {
                errs.invalid(
                        "spec.template.metadata.labels",
                        PodTemplateValidation.goMap(labels),
                        "`selector` does not match template `labels`");
            }
        }
        if (Jobs.INDEXED.equals(spec.getCompletionMode()) && spec.hasCompletions() && spec.getCompletions() > 0) {
            String host = job.getMetadata().getName() + "-" + (spec.getCompletions() - 1);
            if (Names.dns1123LabelError(host) != null) {
                errs.invalid(
                        "metadata.name",
                        job.getMetadata().getName(),
                        "will not able to create pod with invalid DNS label: " + host);
            }
        }
    }

    /** kube's {@code validateGeneratedSelector}: the generated labels are on the template and the selector matches them. */
    private static void generatedSelector(Job job, FieldErrors errs) {
        if (job.getSpec().hasManualSelector() && job.getSpec().getManualSelector()) {
            return;
        }
        if (!job.getSpec().hasSelector()) {
            return;
        }
        String uid = job.getMetadata().getUid();
        String name = job.getMetadata().getName();
        if (uid.isEmpty()) {
            errs.required("metadata.uid");
        }
        Map<String, String> labels = job.getSpec().getTemplate().getMetadata().getLabelsMap();
        hasLabel(labels, Jobs.LEGACY_CONTROLLER_UID_LABEL, uid, errs);
        hasLabel(labels, Jobs.LEGACY_JOB_NAME_LABEL, name, errs);
        hasLabel(labels, Jobs.CONTROLLER_UID_LABEL, uid, errs);
        hasLabel(labels, Jobs.JOB_NAME_LABEL, name, errs);
        Map<String, String> expected = Map.of(
                Jobs.CONTROLLER_UID_LABEL, uid,
                Jobs.JOB_NAME_LABEL, name,
                Jobs.LEGACY_CONTROLLER_UID_LABEL, uid,
                Jobs.LEGACY_JOB_NAME_LABEL, name);
        if (!Selector.of(job.getSpec().getSelector()).matches(expected)) {
            errs.invalid(
                    "spec.selector",
                    SelectorValidation.goSelector(job.getSpec().getSelector()),
                    "`selector` not auto-generated");
        }
    }

    /** kube's {@code ValidateHasLabel}. */
    private static void hasLabel(Map<String, String> labels, String key, String want, FieldErrors errs) {
        String have = labels.get(key);
        if (have == null) {
            errs.required("spec.template.metadata.labels", "must be '" + want + "'");
        } else if (!have.equals(want)) {
            errs.invalid(
                    "spec.template.metadata.labels", PodTemplateValidation.goMap(labels), "must be '" + want + "'");
        }
    }

    @Override
    public void validateUpdate(Job job, Job old, FieldErrors errs) {
        JobSpec s = job.getSpec();
        JobSpec o = old.getSpec();
        if (s.hasCompletions() != o.hasCompletions() || s.getCompletions() != o.getCompletions()) {
            errs.invalid(
                    "spec.completions",
                    s.hasCompletions() ? (Object) s.getCompletions() : "null",
                    "field is immutable");
        }
        if (!s.getSelector().equals(o.getSelector())) {
            errs.invalid("spec.selector", SelectorValidation.goSelector(s.getSelector()), "field is immutable");
        }
        if (!s.getTemplate().equals(o.getTemplate()) && !mutableSchedulingDirectivesOnly(job, old)) {
            errs.invalidNoValue("spec.template", "field is immutable");
        }
        if (!s.getCompletionMode().equals(o.getCompletionMode())) {
            errs.invalid("spec.completionMode", s.getCompletionMode(), "field is immutable");
        }
        if (!s.getPodFailurePolicy().equals(o.getPodFailurePolicy())) {
            errs.invalidNoValue("spec.podFailurePolicy", "field is immutable");
        }
        if (s.hasBackoffLimitPerIndex() != o.hasBackoffLimitPerIndex()
                || s.getBackoffLimitPerIndex() != o.getBackoffLimitPerIndex()) {
            errs.invalid(
                    "spec.backoffLimitPerIndex",
                    s.hasBackoffLimitPerIndex() ? (Object) s.getBackoffLimitPerIndex() : "null",
                    "field is immutable");
        }
        if (s.hasManagedBy() != o.hasManagedBy() || !s.getManagedBy().equals(o.getManagedBy())) {
            errs.invalid("spec.managedBy", s.hasManagedBy() ? s.getManagedBy() : "null", "field is immutable");
        }
        if (!s.getSuccessPolicy().equals(o.getSuccessPolicy()) || s.hasSuccessPolicy() != o.hasSuccessPolicy()) {
            errs.invalidNoValue("spec.successPolicy", "field is immutable");
        }
    }

    /**
     * kube's {@code AllowMutableSchedulingDirectives}: a suspended Job that never started may change
     * its template's node selector, tolerations, labels and annotations.
     */
    private static boolean mutableSchedulingDirectivesOnly(Job job, Job old) {
        if (!Jobs.isSuspended(job) || old.getStatus().hasStartTime()) {
            return false;
        }
        PodTemplateSpec.Builder t = job.getSpec().getTemplate().toBuilder();
        PodTemplateSpec ot = old.getSpec().getTemplate();
        t.getMetadataBuilder()
                .clearLabels()
                .putAllLabels(ot.getMetadata().getLabelsMap())
                .clearAnnotations()
                .putAllAnnotations(ot.getMetadata().getAnnotationsMap());
        t.getSpecBuilder()
                .clearNodeSelector()
                .putAllNodeSelector(ot.getSpec().getNodeSelectorMap())
                .clearTolerations()
                .addAllTolerations(ot.getSpec().getTolerationsList());
        return t.build().equals(ot);
    }
}
