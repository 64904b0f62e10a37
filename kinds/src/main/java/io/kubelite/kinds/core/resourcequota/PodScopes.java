package io.kubelite.kinds.core.resourcequota;

import io.kubelite.api.Pod;
import io.kubelite.api.QosClass;
import io.kubelite.api.ResourceQuotaSpec;
import io.kubelite.api.ScopedResourceSelectorRequirement;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's quota scopes over pods: {@code Terminating} (an activeDeadlineSeconds), {@code
 * NotTerminating}, {@code BestEffort} (QoS), {@code NotBestEffort} and {@code PriorityClass}
 * (the pod's priorityClassName, through a scopeSelector). A quota with scopes tracks pods only.
 */
public final class PodScopes {
    public static final String TERMINATING = "Terminating";
    public static final String NOT_TERMINATING = "NotTerminating";
    public static final String BEST_EFFORT = "BestEffort";
    public static final String NOT_BEST_EFFORT = "NotBestEffort";
    public static final String PRIORITY_CLASS = "PriorityClass";
    public static final List<String> ALL =
            List.of(TERMINATING, NOT_TERMINATING, BEST_EFFORT, NOT_BEST_EFFORT, PRIORITY_CLASS);

    private PodScopes() {}

    /** The quota's scopes and selector requirements as one list of requirements (kube's {@code getScopeSelectorsFromQuota}). */
    public static List<ScopedResourceSelectorRequirement> requirements(ResourceQuotaSpec spec) {
        List<ScopedResourceSelectorRequirement> out = new ArrayList<>();
        for (String s : spec.getScopesList()) {
            out.add(ScopedResourceSelectorRequirement.newBuilder()
                    .setScopeName(s)
                    .setOperator("Exists")
                    .build());
        }
        out.addAll(spec.getScopeSelector().getMatchExpressionsList());
        return out;
    }

    /** Whether the quota {@code spec} is scoped: then only pods count against it. */
    public static boolean scoped(ResourceQuotaSpec spec) {
        return !requirements(spec).isEmpty();
    }

    /** Whether {@code pod} falls in every scope of {@code spec}. */
    public static boolean matches(ResourceQuotaSpec spec, Pod pod) {
        for (ScopedResourceSelectorRequirement r : requirements(spec)) {
            if (!matches(r, pod)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(ScopedResourceSelectorRequirement r, Pod pod) {
        return switch (r.getScopeName()) {
            case TERMINATING -> terminating(pod);
            case NOT_TERMINATING -> !terminating(pod);
            case BEST_EFFORT -> bestEffort(pod);
            case NOT_BEST_EFFORT -> !bestEffort(pod);
            case PRIORITY_CLASS -> {
                String pc = pod.getSpec().getPriorityClassName();
                yield switch (r.getOperator()) {
                    case "In" -> r.getValuesList().contains(pc);
                    case "NotIn" -> !r.getValuesList().contains(pc);
                    case "Exists" -> !pc.isEmpty();
                    case "DoesNotExist" -> pc.isEmpty();
                    default -> false;
                };
            }
            default -> false;
        };
    }

    private static boolean terminating(Pod pod) {
        return pod.getSpec().hasActiveDeadlineSeconds() && pod.getSpec().getActiveDeadlineSeconds() >= 0;
    }

    private static boolean bestEffort(Pod pod) {
        return "BestEffort".equals(QosClass.of(pod.getSpec()));
    }
}
