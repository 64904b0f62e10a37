package io.kubelite.kinds.rbac;

import io.kubelite.api.PolicyRule;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/** kube's {@code ValidatePolicyRule}, for the rules of Roles ({@code namespaced}) and ClusterRoles. */
public final class PolicyRules {
    private PolicyRules() {}

    public static void validate(List<PolicyRule> rules, boolean namespaced, FieldErrors errs) {
        for (int i = 0; i < rules.size(); i++) {
            validate(rules.get(i), namespaced, "rules[" + i + "]", errs);
        }
    }

    private static void validate(PolicyRule r, boolean namespaced, String path, FieldErrors errs) {
        if (r.getVerbsCount() == 0) {
            errs.required(path + ".verbs", "verbs must contain at least one value");
        }
        if (r.getNonResourceUrlsCount() > 0) {
            if (namespaced) {
                errs.invalid(
                        path + ".nonResourceURLs",
                        r.getNonResourceUrlsList(),
                        "namespaced rules cannot apply to non-resource URLs");
            }
            if (r.getApiGroupsCount() > 0 || r.getResourcesCount() > 0 || r.getResourceNamesCount() > 0) {
                errs.invalid(
                        path + ".nonResourceURLs",
                        r.getNonResourceUrlsList(),
                        "rules cannot apply to both regular resources and non-resource URLs");
            }
            return;
        }
        if (r.getApiGroupsCount() == 0) {
            errs.required(path + ".apiGroups", "resource rules must supply at least one api group");
        }
        if (r.getResourcesCount() == 0) {
            errs.required(path + ".resources", "resource rules must supply at least one resource");
        }
    }
}
