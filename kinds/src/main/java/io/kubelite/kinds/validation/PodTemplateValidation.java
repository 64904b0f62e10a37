package io.kubelite.kinds.validation;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.PodSpec;
import io.kubelite.api.labels.Selector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks kube's apps validation makes of every workload's selector and pod template
 * (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job), with kube's paths and messages.
 */
public final class PodTemplateValidation {
    private PodTemplateValidation() {}

    /**
     * A present selector: not empty ({@code "empty selector is invalid for <kind>"}) and matching
     * the template's labels.
     */
    public static void selectorMatches(
            LabelSelector sel, Map<String, String> templateLabels, String kind, FieldErrors errs) {
        if (Selector.isEmpty(sel)) {
            errs.invalid("spec.selector", "{}", "empty selector is invalid for " + kind);
        } else if (!Selector.of(sel).matches(templateLabels)) {
            errs.invalid(
                    "spec.template.metadata.labels",
                    goMap(templateLabels),
                    "`selector` does not match template `labels`");
        }
    }

    /**
     * kube's {@code ValidatePodTemplateSpecForReplicaSet}-style rules for long-running pods:
     * restartPolicy Always and no activeDeadlineSeconds ({@code "... in <Kind> is not Supported"}).
     */
    public static void alwaysRunning(PodSpec spec, String kindName, FieldErrors errs) {
        String restart = spec.getRestartPolicy();
        if (!restart.isEmpty() && !restart.equals("Always")) {
            errs.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always"));
        }
        if (spec.hasActiveDeadlineSeconds()) {
            errs.forbidden(
                    "spec.template.spec.activeDeadlineSeconds",
                    "activeDeadlineSeconds in " + kindName + " is not Supported");
        }
    }

    /** Go's {@code %v} of a map, as kube's messages print labels. */
    public static String goMap(Map<String, String> labels) {
        StringBuilder b = new StringBuilder("map[");
        new TreeMap<>(labels)
                .forEach((k, v) -> b.append(b.length() == 4 ? "" : " ")
                        .append(k)
                        .append(':')
                        .append(v));
        return b.append(']').toString();
    }
}
