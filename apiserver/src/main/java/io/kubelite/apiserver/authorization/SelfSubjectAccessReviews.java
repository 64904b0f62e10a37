package io.kubelite.apiserver.authorization;

import io.kubelite.api.SelfSubjectAccessReview;
import io.kubelite.api.SelfSubjectAccessReviewSpec;
import io.kubelite.api.SubjectAccessReviewStatus;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import io.kubelite.kinds.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewKind;
import io.kubelite.kinds.validation.FieldErrors;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews}: may the caller do what the
 * spec describes? Answered by the {@link Authorizer} for the requesting user ({@code kubectl auth
 * can-i}); an allowed answer carries RBAC's reason (the binding that allows it), a denial none, so
 * kubectl prints a bare {@code no}.
 */
public final class SelfSubjectAccessReviews {
    private final Authorizer authorizer;

    public SelfSubjectAccessReviews(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public SelfSubjectAccessReview answer(Auth.User user, String namespace, SelfSubjectAccessReview in) {
        SelfSubjectAccessReviewSpec spec = in.getSpec();
        FieldErrors errs = new FieldErrors();
        ReviewAttributes.validate(spec.hasResourceAttributes(), spec.hasNonResourceAttributes(), errs);
        if (!errs.isEmpty()) {
            throw ApiException.invalid(
                    SelfSubjectAccessReviewKind.RESOURCE, in.getMetadata().getName(), errs.list());
        }
        Authorizer.Decision d = authorizer.authorize(
                user,
                ReviewAttributes.of(
                        spec.hasResourceAttributes(), spec.getResourceAttributes(), spec.getNonResourceAttributes()));
        return in.toBuilder()
                .setStatus(SubjectAccessReviewStatus.newBuilder()
                        .setAllowed(d.allowed())
                        .setReason(d.reason()))
                .build();
    }
}
