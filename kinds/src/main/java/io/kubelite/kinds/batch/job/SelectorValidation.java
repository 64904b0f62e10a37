package io.kubelite.kinds.batch.job;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.Map;
import java.util.TreeMap;

/** kube's {@code ValidateLabelSelector} and the Go rendering of a selector its messages print. */
final class SelectorValidation {
    private SelectorValidation() {}

    static void validate(LabelSelector sel, String field, FieldErrors errs) {
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

    /** Go's {@code %v} of a {@code *metav1.LabelSelector}, as kube's immutability messages print it. */
    static String goSelector(LabelSelector s) {
        StringBuilder b = new StringBuilder("v1.LabelSelector{MatchLabels:map[string]string{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(s.getMatchLabelsMap()).entrySet()) {
            b.append(first ? "" : ", ")
                    .append('"')
                    .append(e.getKey())
                    .append("\":\"")
                    .append(e.getValue())
                    .append('"');
            first = false;
        }
        return b.append("}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}")
                .toString();
    }
}
