package io.kubelite.kinds.rbac.clusterrole;

import io.kubelite.api.ClusterRole;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.rbac.PolicyRules;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.validation.FieldErrors;

/**
 * kube's {@code ValidateClusterRole}: RBAC names, every rule valid (non-resource URLs allowed),
 * and an aggregationRule with at least one selector.
 */
final class ClusterRoleStrategy implements Strategy<ClusterRole> {
    @Override
    public String nameError(String name) {
        return RbacNames.nameError(name);
    }

    @Override
    public void validate(ClusterRole r, FieldErrors errs) {
        PolicyRules.validate(r.getRulesList(), false, errs);
        if (r.hasAggregationRule() && r.getAggregationRule().getClusterRoleSelectorsCount() == 0) {
            errs.required(
                    "aggregationRule.clusterRoleSelectors",
                    "at least one clusterRoleSelector required if aggregationRule is non-nil");
        }
    }
}
