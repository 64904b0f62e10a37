package io.kubelite.kinds.apps.deployment;

import com.google.protobuf.Value;
import io.kubelite.api.Deployment;
import io.kubelite.api.IntOrString;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.pod.PodSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.PodTemplateValidation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's Deployment strategy ({@code pkg/registry/apps/deployment}) with apps/v1's defaulting
 * ({@code SetDefaults_Deployment}: one replica, RollingUpdate with 25%/25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600) and {@code ValidateDeployment}: the status is reset on create and
 * kept on updates of the main resource; a change of the spec or of the annotations bumps the
 * generation (annotations are copied to the ReplicaSets); the selector is immutable.
 */
final class DeploymentStrategy implements Strategy<Deployment> {
    static final String RECREATE = "Recreate";
    static final String ROLLING_UPDATE = "RollingUpdate";
    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
    private static final String PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending"
            + " '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

    /** {@code spec.replicas}, 1 when unset. */
    static int replicas(Deployment d) {
        return d.getSpec().hasReplicas() ? d.getSpec().getReplicas() : 1;
    }

    @Override
    public Deployment defaults(Deployment d) {
        Deployment.Builder b = d.toBuilder();
        var spec = b.getSpecBuilder();
        if (!spec.hasReplicas()) {
            spec.setReplicas(1);
        }
        var strategy = spec.getStrategyBuilder();
        if (strategy.getType().isEmpty()) {
            strategy.setType(ROLLING_UPDATE);
        }
        if (strategy.getType().equals(ROLLING_UPDATE)) {
            var ru = strategy.getRollingUpdateBuilder();
            if (!ru.hasMaxUnavailable()) {
                ru.setMaxUnavailable(IntOrString.of("25%"));
            }
            if (!ru.hasMaxSurge()) {
                ru.setMaxSurge(IntOrString.of("25%"));
            }
        }
        if (!spec.hasRevisionHistoryLimit()) {
            spec.setRevisionHistoryLimit(10);
        }
        if (!spec.hasProgressDeadlineSeconds()) {
            spec.setProgressDeadlineSeconds(600);
        }
        if (spec.hasTemplate()) {
            spec.getTemplateBuilder()
                    .setSpec(PodSpecDefaults.scheme(spec.getTemplate().getSpec()));
        }
        return b.build();
    }

    @Override
    public Deployment prepareForCreate(Deployment d) {
        return d.toBuilder().clearStatus().build();
    }

    @Override
    public Deployment prepareForUpdate(Deployment d, Deployment old) {
        Deployment.Builder b = d.toBuilder();
        if (old.hasStatus()) {
            b.setStatus(old.getStatus());
        } else {
            b.clearStatus();
        }
        // annotations are copied to the new ReplicaSet, so changing them is a change the controller must observe
        if (!d.getMetadata().getAnnotationsMap().equals(old.getMetadata().getAnnotationsMap())) {
            b.getMetadataBuilder().setGeneration(old.getMetadata().getGeneration() + 1);
        }
        return b.build();
    }

    @Override
    public void validate(Deployment d, FieldErrors errs) {
        var spec = d.getSpec();
        if (spec.hasReplicas() && spec.getReplicas() < 0) {
            errs.invalid("spec.replicas", (long) spec.getReplicas(), "must be greater than or equal to 0");
        }
        if (!spec.hasSelector()) {
            errs.required("spec.selector");
        } else {
            PodTemplateValidation.selectorMatches(
                    spec.getSelector(), spec.getTemplate().getMetadata().getLabelsMap(), "deployment", errs);
        }
        PodTemplateValidation.alwaysRunning(spec.getTemplate().getSpec(), "ReplicaSet", errs);
        PodSpecValidation.validate(spec.getTemplate().getSpec(), "spec.template.spec", errs);
        validateStrategy(d, errs);
        if (spec.getMinReadySeconds() < 0) {
            errs.invalid(
                    "spec.minReadySeconds", (long) spec.getMinReadySeconds(), "must be greater than or equal to 0");
        }
        if (spec.hasRevisionHistoryLimit() && spec.getRevisionHistoryLimit() < 0) {
            errs.invalid(
                    "spec.revisionHistoryLimit",
                    (long) spec.getRevisionHistoryLimit(),
                    "must be greater than or equal to 0");
        }
        if (spec.hasProgressDeadlineSeconds()) {
            long pds = spec.getProgressDeadlineSeconds();
            if (pds < 0) {
                errs.invalid("spec.progressDeadlineSeconds", pds, "must be greater than or equal to 0");
            }
            if (pds <= spec.getMinReadySeconds()) {
                errs.invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds");
            }
        }
    }

    /** kube's {@code ValidateDeploymentStrategy} and {@code ValidateRollingUpdateDeployment}. */
    private static void validateStrategy(Deployment d, FieldErrors errs) {
        var s = d.getSpec().getStrategy();
        switch (s.getType()) {
            case RECREATE -> {
                if (s.hasRollingUpdate()) {
                    errs.forbidden(
                            "spec.strategy.rollingUpdate",
                            "may not be specified when strategy `type` is '" + RECREATE + "'");
                }
            }
            case ROLLING_UPDATE -> {
                if (!s.hasRollingUpdate()) {
                    errs.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil");
                    return;
                }
                var ru = s.getRollingUpdate();
                intOrPercent(ru.getMaxUnavailable(), "spec.strategy.rollingUpdate.maxUnavailable", errs);
                intOrPercent(ru.getMaxSurge(), "spec.strategy.rollingUpdate.maxSurge", errs);
                if (value(ru.getMaxUnavailable()) == 0 && value(ru.getMaxSurge()) == 0) {
                    errs.invalid(
                            "spec.strategy.rollingUpdate.maxUnavailable",
                            render(ru.getMaxUnavailable()),
                            "may not be 0 when `maxSurge` is 0");
                }
                if (ru.getMaxUnavailable().hasStringValue()
                        && PERCENT.matcher(ru.getMaxUnavailable().getStringValue())
                                .matches()
                        && value(ru.getMaxUnavailable()) > 100) {
                    errs.invalid(
                            "spec.strategy.rollingUpdate.maxUnavailable",
                            ru.getMaxUnavailable().getStringValue(),
                            "must not be greater than 100%");
                }
            }
            default -> errs.notSupported("spec.strategy.type", s.getType(), List.of(RECREATE, ROLLING_UPDATE));
        }
    }

    /** kube's {@code ValidatePositiveIntOrPercent}. */
    private static void intOrPercent(Value v, String field, FieldErrors errs) {
        if (v.hasStringValue()) {
            if (!PERCENT.matcher(v.getStringValue()).matches()) {
                errs.invalid(field, v.getStringValue(), PERCENT_MSG);
            }
        } else if (v.hasNumberValue()) {
            if (v.getNumberValue() < 0) {
                errs.invalid(field, (long) v.getNumberValue(), "must be greater than or equal to 0");
            }
        }
    }

    /** kube's {@code getIntOrPercentValue}: the number, or the percentage's number; -1 when neither. */
    private static long value(Value v) {
        if (v.hasNumberValue()) {
            return (long) v.getNumberValue();
        }
        String s = v.getStringValue();
        if (PERCENT.matcher(s).matches()) {
            try {
                return Long.parseLong(s.substring(0, s.length() - 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static Object render(Value v) {
        return v.hasNumberValue() ? (Object) (long) v.getNumberValue() : v.getStringValue();
    }

    @Override
    public void validateUpdate(Deployment d, Deployment old, FieldErrors errs) {
        if (!old.getSpec().getSelector().equals(d.getSpec().getSelector())) {
            errs.invalid(
                    "spec.selector",
                    "v1.LabelSelector" + d.getSpec().getSelector().getMatchLabelsMap(),
                    "field is immutable");
        }
    }
}
