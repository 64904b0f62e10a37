package io.kubelite.kinds.policy.poddisruptionbudget;

import com.google.protobuf.Value;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetSpec;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * kube's PodDisruptionBudget strategy: the status is reset on create and kept on updates of
 * the main resource (it has its own subresource), and {@code ValidatePodDisruptionBudgetSpec}:
 * minAvailable and maxUnavailable not both set, each a non-negative number or a percentage of
 * at most 100%, a valid selector, a known unhealthyPodEvictionPolicy.
 */
final class PodDisruptionBudgetStrategy implements Strategy<PodDisruptionBudget> {
    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
    private static final String PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending"
            + " '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
    static final List<String> POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");

    @Override
    public PodDisruptionBudget prepareForCreate(PodDisruptionBudget p) {
        return p.toBuilder().clearStatus().build();
    }

    @Override
    public PodDisruptionBudget prepareForUpdate(PodDisruptionBudget p, PodDisruptionBudget old) {
        PodDisruptionBudget.Builder b = p.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(PodDisruptionBudget p, FieldErrors errs) {
        PodDisruptionBudgetSpec s = p.getSpec();
        if (s.hasMinAvailable() && s.hasMaxUnavailable()) {
            errs.invalid(
                    "spec",
                    "{minAvailable: " + render(s.getMinAvailable()) + ", maxUnavailable: "
                            + render(s.getMaxUnavailable()) + "}",
                    "minAvailable and maxUnavailable cannot be both set");
        }
        if (s.hasMinAvailable()) {
            intOrPercent(s.getMinAvailable(), "spec.minAvailable", errs);
        }
        if (s.hasMaxUnavailable()) {
            intOrPercent(s.getMaxUnavailable(), "spec.maxUnavailable", errs);
        }
        selector(s.getSelector(), "spec.selector", errs);
        String policy = s.getUnhealthyPodEvictionPolicy();
        if (!policy.isEmpty() && !POLICIES.contains(policy)) {
            errs.notSupported("spec.unhealthyPodEvictionPolicy", policy, POLICIES);
        }
    }

    /** kube's {@code ValidatePositiveIntOrPercent} and {@code IsNotMoreThan100Percent}. */
    private static void intOrPercent(Value v, String field, FieldErrors errs) {
        if (v.hasStringValue()) {
            String str = v.getStringValue();
            if (!PERCENT.matcher(str).matches()) {
                errs.invalid(field, str, PERCENT_MSG);
            } else if (Long.parseLong(str.substring(0, str.length() - 1)) > 100) {
                errs.invalid(field, str, "must not be greater than 100%");
            }
        } else if (v.hasNumberValue()) {
            if (v.getNumberValue() < 0) {
                errs.invalid(field, (long) v.getNumberValue(), "must be greater than or equal to 0");
            }
        } else {
            errs.invalid(field, render(v), "must be an integer or percentage (e.g '5%')");
        }
    }

    /** kube's {@code ValidateLabelSelector}: label syntax, known operators, values as the operator wants them. */
    static void selector(LabelSelector sel, String field, FieldErrors errs) {
        for (Map.Entry<String, String> e : sel.getMatchLabelsMap().entrySet()) {
            errs.invalidIf(field + ".matchLabels", e.getKey(), Names.qualifiedNameError(e.getKey()));
            errs.invalidIf(field + ".matchLabels", e.getValue(), Names.labelValueError(e.getValue()));
        }
        for (int i = 0; i < sel.getMatchExpressionsCount(); i++) {
            LabelSelectorRequirement r = sel.getMatchExpressions(i);
            String f = field + ".matchExpressions[" + i + "]";
            switch (r.getOperator()) {
                case "In", "NotIn" -> {
                    if (r.getValuesCount() == 0) {
                        errs.required(f + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (r.getValuesCount() > 0) {
                        errs.forbidden(
                                f + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                }
                default -> errs.invalid(f + ".operator", r.getOperator(), "not a valid selector operator");
            }
            errs.invalidIf(f + ".key", r.getKey(), Names.qualifiedNameError(r.getKey()));
        }
    }

    private static Object render(Value v) {
        try {
            return IntOrString.isInt(v) ? (Object) (long) IntOrString.intValue(v) : v.getStringValue();
        } catch (IllegalArgumentException e) {
            return String.valueOf(v.getKindCase()).toLowerCase();
        }
    }
}
