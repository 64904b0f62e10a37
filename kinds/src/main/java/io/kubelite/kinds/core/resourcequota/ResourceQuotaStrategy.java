package io.kubelite.kinds.core.resourcequota;

import io.kubelite.api.Quantity;
import io.kubelite.api.QuantityFormatException;
import io.kubelite.api.ResourceQuota;
import io.kubelite.api.ScopedResourceSelectorRequirement;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's ResourceQuota strategy and {@code ValidateResourceQuota}: the status is reset on
 * create and kept on updates of the main resource (it has its own subresource); hard limits
 * name resources kube knows and are non-negative quantities; scopes are known, not
 * contradictory, and a scoped quota limits only what pods use.
 */
final class ResourceQuotaStrategy implements Strategy<ResourceQuota> {
    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
    /** What a quota with scopes may limit: what pods use (kube's pod evaluator's matching resources). */
    private static final Set<String> SCOPED_RESOURCES = Set.of(
            ResourceNames.PODS,
            ResourceNames.CPU,
            ResourceNames.MEMORY,
            ResourceNames.REQUESTS_CPU,
            ResourceNames.REQUESTS_MEMORY,
            ResourceNames.LIMITS_CPU,
            ResourceNames.LIMITS_MEMORY,
            "count/pods");

    @Override
    public ResourceQuota prepareForCreate(ResourceQuota q) {
        return q.toBuilder().clearStatus().build();
    }

    @Override
    public ResourceQuota prepareForUpdate(ResourceQuota q, ResourceQuota old) {
        ResourceQuota.Builder b = q.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(ResourceQuota q, FieldErrors errs) {
        quantities(q.getSpec().getHardMap(), "spec.hard", errs);
        quantities(q.getStatus().getHardMap(), "status.hard", errs);
        quantities(q.getStatus().getUsedMap(), "status.used", errs);
        List<ScopedResourceSelectorRequirement> reqs = PodScopes.requirements(q.getSpec());
        for (int i = 0; i < q.getSpec().getScopesCount(); i++) {
            String s = q.getSpec().getScopes(i);
            if (!PodScopes.ALL.contains(s) || s.equals(PodScopes.PRIORITY_CLASS)) {
                errs.notSupported("spec.scopes[" + i + "]", s, PodScopes.ALL.subList(0, 4));
            }
        }
        var exprs = q.getSpec().getScopeSelector().getMatchExpressionsList();
        for (int i = 0; i < exprs.size(); i++) {
            ScopedResourceSelectorRequirement r = exprs.get(i);
            String path = "spec.scopeSelector.matchExpressions[" + i + "]";
            if (!PodScopes.ALL.contains(r.getScopeName())) {
                errs.notSupported(path + ".scopeName", r.getScopeName(), PodScopes.ALL);
            }
            if (!OPERATORS.contains(r.getOperator())) {
                errs.notSupported(path + ".operator", r.getOperator(), OPERATORS);
            } else if ((r.getOperator().equals("In") || r.getOperator().equals("NotIn")) && r.getValuesCount() == 0) {
                errs.required(path + ".values", "must be at least one value when `operator` is 'In' or 'NotIn'");
            } else if ((r.getOperator().equals("Exists") || r.getOperator().equals("DoesNotExist"))
                    && r.getValuesCount() > 0) {
                errs.invalid(
                        path + ".values",
                        r.getValuesList().toString(),
                        "must be no value when `operator` is 'Exist' or 'DoesNotExist'");
            }
        }
        boolean terminating = has(reqs, PodScopes.TERMINATING);
        boolean notTerminating = has(reqs, PodScopes.NOT_TERMINATING);
        boolean bestEffort = has(reqs, PodScopes.BEST_EFFORT);
        boolean notBestEffort = has(reqs, PodScopes.NOT_BEST_EFFORT);
        if ((terminating && notTerminating) || (bestEffort && notBestEffort)) {
            errs.invalid(
                    q.getSpec().getScopesCount() > 0 ? "spec.scopes" : "spec.scopeSelector",
                    reqs.stream()
                            .map(ScopedResourceSelectorRequirement::getScopeName)
                            .toList()
                            .toString(),
                    "conflicting scopes");
        }
        if (!reqs.isEmpty()) {
            for (String k : q.getSpec().getHardMap().keySet()) {
                boolean ok = bestEffort
                        ? k.equals(ResourceNames.PODS) || k.equals("count/pods")
                        : SCOPED_RESOURCES.contains(k);
                if (!ok) {
                    errs.invalid("spec.hard[" + k + "]", k, "unsupported scope applied to resource");
                }
            }
        }
    }

    private static boolean has(List<ScopedResourceSelectorRequirement> reqs, String scope) {
        return reqs.stream().anyMatch(r -> r.getScopeName().equals(scope));
    }

    private static void quantities(Map<String, String> m, String path, FieldErrors errs) {
        m.forEach((k, v) -> {
            String nameErr = ResourceNames.nameError(k);
            if (nameErr != null) {
                errs.invalid(path + "[" + k + "]", k, nameErr);
                return;
            }
            try {
                if (Quantity.parse(v).signum() < 0) {
                    errs.invalid(path + "[" + k + "]", v, "must be greater than or equal to 0");
                }
            } catch (QuantityFormatException e) {
                errs.invalid(path + "[" + k + "]", v, e.getMessage());
            }
        });
    }
}
