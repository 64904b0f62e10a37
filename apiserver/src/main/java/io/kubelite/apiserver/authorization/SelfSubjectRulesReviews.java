package io.kubelite.apiserver.authorization;

import io.kubelite.api.SelfSubjectRulesReview;
import io.kubelite.api.SubjectRulesReviewStatus;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews}: every rule the caller
 * has in {@code spec.namespace}, from {@link Authorizer} ({@code kubectl auth can-i --list}).
 * kubelite's rules are complete: {@code incomplete} is always false.
 */
public final class SelfSubjectRulesReviews {
    private SelfSubjectRulesReviews() {}

    public static SelfSubjectRulesReview answer(Auth.User user, SelfSubjectRulesReview in) {
        String ns = in.getSpec().getNamespace();
        if (ns.isEmpty()) {
            // kube's own wording for a review without a namespace
            throw ApiException.badRequest("no namespace on request");
        }
        Authorizer.Rules rules = Authorizer.rules(user, ns);
        return in.toBuilder()
                .setStatus(SubjectRulesReviewStatus.newBuilder()
                        .addAllResourceRules(rules.resourceRules())
                        .addAllNonResourceRules(rules.nonResourceRules())
                        .setIncomplete(false))
                .build();
    }
}
