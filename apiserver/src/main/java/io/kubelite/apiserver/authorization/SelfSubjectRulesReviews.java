package io.kubelite.apiserver.authorization;

import io.kubelite.api.NonResourceRule;
import io.kubelite.api.PolicyRule;
import io.kubelite.api.ResourceRule;
import io.kubelite.api.SelfSubjectRulesReview;
import io.kubelite.api.SubjectRulesReviewStatus;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews}: every rule the caller has
 * in {@code spec.namespace}, from the {@link Authorizer} ({@code kubectl auth can-i --list}).
 * {@code incomplete} when a binding of the caller names a role that does not exist.
 */
public final class SelfSubjectRulesReviews {
    private final Authorizer authorizer;

    public SelfSubjectRulesReviews(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public SelfSubjectRulesReview answer(Auth.User user, String namespace, SelfSubjectRulesReview in) {
        String ns = in.getSpec().getNamespace();
        if (ns.isEmpty()) {
            // kube's own wording for a review without a namespace
            throw ApiException.badRequest("no namespace on request");
        }
        Authorizer.Rules rules = authorizer.rules(user, ns);
        SubjectRulesReviewStatus.Builder status = SubjectRulesReviewStatus.newBuilder();
        for (PolicyRule r : rules.rules()) {
            if (r.getResourcesCount() > 0) {
                status.addResourceRules(ResourceRule.newBuilder()
                        .addAllVerbs(r.getVerbsList())
                        .addAllApiGroups(r.getApiGroupsList())
                        .addAllResources(r.getResourcesList())
                        .addAllResourceNames(r.getResourceNamesList()));
            }
            if (r.getNonResourceUrlsCount() > 0) {
                status.addNonResourceRules(NonResourceRule.newBuilder()
                        .addAllVerbs(r.getVerbsList())
                        .addAllNonResourceUrls(r.getNonResourceUrlsList()));
            }
        }
        status.setIncomplete(rules.incomplete());
        return in.toBuilder().setStatus(status).build();
    }
}
