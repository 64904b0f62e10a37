package io.kubelite.controllers.job;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodFailurePolicy;
import io.kubelite.api.PodFailurePolicyOnExitCodesRequirement;
import io.kubelite.api.PodFailurePolicyOnPodConditionsPattern;
import io.kubelite.api.PodFailurePolicyRule;
import java.util.List;

/**
 * kube's {@code matchPodFailurePolicy}: the first rule matching a failed pod decides — FailJob
 * (with kube's message), FailIndex (the pod's index fails, see {@link IndexFailures}), Ignore (not
 * counted towards backoffLimit) or Count; no match counts.
 * Exit codes are those of terminated containers with a non-zero code (app containers first,
 * then init containers); pod conditions match on type and status.
 */
final class PodFailurePolicies {
    /**
     * @param failJobMessage the Job's failure message when a FailJob rule matched, else null
     * @param countFailed whether the failure counts towards backoffLimit
     * @param action the matched rule's action, null when none matched
     */
    record Match(String failJobMessage, boolean countFailed, String action) {}

    static final String FAIL_INDEX = "FailIndex";

    private static final Match NO_MATCH = new Match(null, true, null);

    private PodFailurePolicies() {}

    static Match match(PodFailurePolicy policy, Pod failed) {
        if (policy == null || policy.getRulesCount() == 0) {
            return NO_MATCH;
        }
        for (int i = 0; i < policy.getRulesCount(); i++) {
            PodFailurePolicyRule rule = policy.getRules(i);
            if (rule.hasOnExitCodes()) {
                ContainerStatus cs = matchExitCodes(failed, rule.getOnExitCodes());
                if (cs != null) {
                    String msg = "Container " + cs.getName() + " for pod "
                            + failed.getMetadata().getNamespace() + "/"
                            + failed.getMetadata().getName() + " failed with exit code "
                            + cs.getState().getTerminated().getExitCode() + " matching " + rule.getAction()
                            + " rule at index " + i;
                    Match m = act(rule.getAction(), msg);
                    if (m != null) {
                        return m;
                    }
                }
            } else if (rule.getOnPodConditionsCount() > 0) {
                PodCondition c = matchConditions(failed, rule.getOnPodConditionsList());
                if (c != null) {
                    String msg = "Pod " + failed.getMetadata().getNamespace() + "/"
                            + failed.getMetadata().getName() + " has condition " + c.getType() + " matching "
                            + rule.getAction() + " rule at index " + i;
                    Match m = act(rule.getAction(), msg);
                    if (m != null) {
                        return m;
                    }
                }
            }
        }
        return NO_MATCH;
    }

    /** The rule's verdict; null for an action kube does not know, so the next rule is tried. */
    private static Match act(String action, String failJobMessage) {
        return switch (action) {
            case "Ignore" -> new Match(null, false, action);
            // counted (towards the index's limit too); the index itself fails (IndexFailures)
            case FAIL_INDEX -> new Match(null, true, action);
            case "Count" -> new Match(null, true, action);
            case "FailJob" -> new Match(failJobMessage, true, action);
            default -> null;
        };
    }

    private static ContainerStatus matchExitCodes(Pod p, PodFailurePolicyOnExitCodesRequirement req) {
        ContainerStatus cs = matchIn(p.getStatus().getContainerStatusesList(), req);
        return cs != null ? cs : matchIn(p.getStatus().getInitContainerStatusesList(), req);
    }

    private static ContainerStatus matchIn(List<ContainerStatus> statuses, PodFailurePolicyOnExitCodesRequirement req) {
        for (ContainerStatus cs : statuses) {
            if (!cs.getState().hasTerminated()) {
                continue;
            }
            if (req.hasContainerName() && !req.getContainerName().equals(cs.getName())) {
                continue;
            }
            int code = cs.getState().getTerminated().getExitCode();
            if (code == 0) {
                continue;
            }
            boolean in = req.getValuesList().contains(code);
            if (req.getOperator().equals("In") ? in : req.getOperator().equals("NotIn") && !in) {
                return cs;
            }
        }
        return null;
    }

    private static PodCondition matchConditions(Pod p, List<PodFailurePolicyOnPodConditionsPattern> patterns) {
        for (PodCondition c : p.getStatus().getConditionsList()) {
            for (PodFailurePolicyOnPodConditionsPattern pat : patterns) {
                if (c.getType().equals(pat.getType()) && c.getStatus().equals(pat.getStatus())) {
                    return c;
                }
            }
        }
        return null;
    }
}
