package io.kubelite.kinds.apps.daemonset;

import com.google.protobuf.Value;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.IntOrString;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.pod.PodSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.PodTemplateValidation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's DaemonSet strategy ({@code pkg/registry/apps/daemonset}) with apps/v1's defaulting
 * ({@code SetDefaults_DaemonSet}: RollingUpdate with maxUnavailable 1 and maxSurge 0,
 * revisionHistoryLimit 10) and {@code ValidateDaemonSet}: the status is reset on create and kept on
 * updates of the main resource; the template generation
 * ({@link DaemonSetKind#TEMPLATE_GENERATION}) starts at 1 and is bumped with every template change;
 * the selector is immutable.
 */
final class DaemonSetStrategy implements Strategy<DaemonSet> {
    static final String ON_DELETE = "OnDelete";
    static final String ROLLING_UPDATE = "RollingUpdate";
    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
    private static final String PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending"
            + " '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

    @Override
    public DaemonSet defaults(DaemonSet d) {
        DaemonSet.Builder b = d.toBuilder();
        var spec = b.getSpecBuilder();
        var strategy = spec.getUpdateStrategyBuilder();
        if (strategy.getType().isEmpty()) {
            strategy.setType(ROLLING_UPDATE);
        }
        if (strategy.getType().equals(ROLLING_UPDATE)) {
            var ru = strategy.getRollingUpdateBuilder();
            if (!ru.hasMaxUnavailable()) {
                ru.setMaxUnavailable(IntOrString.of(1));
            }
            if (!ru.hasMaxSurge()) {
                ru.setMaxSurge(IntOrString.of(0));
            }
        }
        if (!spec.hasRevisionHistoryLimit()) {
            spec.setRevisionHistoryLimit(10);
        }
        if (spec.hasTemplate()) {
            spec.getTemplateBuilder()
                    .setSpec(PodSpecDefaults.scheme(spec.getTemplate().getSpec()));
        }
        return b.build();
    }

    @Override
    public DaemonSet prepareForCreate(DaemonSet d) {
        DaemonSet.Builder b = d.toBuilder().clearStatus();
        b.getMetadataBuilder().putAnnotations(DaemonSetKind.TEMPLATE_GENERATION, "1");
        return b.build();
    }

    @Override
    public DaemonSet prepareForUpdate(DaemonSet d, DaemonSet old) {
        DaemonSet.Builder b = d.toBuilder();
        if (old.hasStatus()) {
            b.setStatus(old.getStatus());
        } else {
            b.clearStatus();
        }
        long gen = Math.max(1, DaemonSetKind.templateGeneration(old));
        if (!d.getSpec().getTemplate().equals(old.getSpec().getTemplate())) {
            gen++;
        }
        b.getMetadataBuilder().putAnnotations(DaemonSetKind.TEMPLATE_GENERATION, Long.toString(gen));
        return b.build();
    }

    @Override
    public void validate(DaemonSet d, FieldErrors errs) {
        var spec = d.getSpec();
        if (!spec.hasSelector()) {
            errs.required("spec.selector");
        } else {
            PodTemplateValidation.selectorMatches(
                    spec.getSelector(), spec.getTemplate().getMetadata().getLabelsMap(), "daemonset", errs);
        }
        PodTemplateValidation.alwaysRunning(spec.getTemplate().getSpec(), "DaemonSet", errs);
        PodSpecValidation.validate(spec.getTemplate().getSpec(), "spec.template.spec", errs);
        if (spec.getMinReadySeconds() < 0) {
            errs.invalid(
                    "spec.minReadySeconds", (long) spec.getMinReadySeconds(), "must be greater than or equal to 0");
        }
        validateStrategy(d, errs);
        if (spec.hasRevisionHistoryLimit() && spec.getRevisionHistoryLimit() < 0) {
            errs.invalid(
                    "spec.revisionHistoryLimit",
                    (long) spec.getRevisionHistoryLimit(),
                    "must be greater than or equal to 0");
        }
    }

    /** kube's {@code ValidateDaemonSetUpdateStrategy} and {@code ValidateRollingUpdateDaemonSet}. */
    private static void validateStrategy(DaemonSet d, FieldErrors errs) {
        var s = d.getSpec().getUpdateStrategy();
        switch (s.getType()) {
            case ON_DELETE -> {}
            case ROLLING_UPDATE -> {
                if (!s.hasRollingUpdate()) {
                    errs.required("spec.updateStrategy.rollingUpdate");
                    return;
                }
                var ru = s.getRollingUpdate();
                String mu = "spec.updateStrategy.rollingUpdate.maxUnavailable";
                String ms = "spec.updateStrategy.rollingUpdate.maxSurge";
                intOrPercent(ru.getMaxUnavailable(), mu, errs);
                intOrPercent(ru.getMaxSurge(), ms, errs);
                notOver100(ru.getMaxUnavailable(), mu, errs);
                notOver100(ru.getMaxSurge(), ms, errs);
                boolean hasUnavailable = value(ru.getMaxUnavailable()) != 0;
                boolean hasSurge = value(ru.getMaxSurge()) != 0;
                if (hasUnavailable && hasSurge) {
                    errs.invalid(ms, render(ru.getMaxSurge()), "may not be set when maxUnavailable is non-zero");
                } else if (!hasUnavailable && !hasSurge) {
                    errs.required(mu, "cannot be 0 when maxSurge is 0");
                }
            }
            default -> errs.notSupported("spec.updateStrategy", s.getType(), List.of(ROLLING_UPDATE, ON_DELETE));
        }
    }

    /** kube's {@code ValidatePositiveIntOrPercent}. */
    private static void intOrPercent(Value v, String field, FieldErrors errs) {
        if (v.hasStringValue()) {
            if (!PERCENT.matcher(v.getStringValue()).matches()) {
                errs.invalid(field, v.getStringValue(), PERCENT_MSG);
            }
        } else if (v.hasNumberValue() && v.getNumberValue() < 0) {
            errs.invalid(field, (long) v.getNumberValue(), "must be greater than or equal to 0");
        }
    }

    /** kube's {@code IsNotMoreThan100Percent}. */
    private static void notOver100(Value v, String field, FieldErrors errs) {
        if (v.hasStringValue() && PERCENT.matcher(v.getStringValue()).matches() && value(v) > 100) {
            errs.invalid(field, v.getStringValue(), "must not be greater than 100%");
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
    public void validateUpdate(DaemonSet d, DaemonSet old, FieldErrors errs) {
        if (!old.getSpec().getSelector().equals(d.getSpec().getSelector())) {
            errs.invalid(
                    "spec.selector",
                    "v1.LabelSelector" + d.getSpec().getSelector().getMatchLabelsMap(),
                    "field is immutable");
        }
    }
}
