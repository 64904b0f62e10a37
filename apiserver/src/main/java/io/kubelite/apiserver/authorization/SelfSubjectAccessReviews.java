package io.kubelite.apiserver.authorization;

import io.kubelite.api.SelfSubjectAccessReview;
import io.kubelite.api.SelfSubjectAccessReviewSpec;
import io.kubelite.api.SubjectAccessReviewStatus;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import io.kubelite.kinds.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewKind;
import io.kubelite.kinds.validation.FieldErrors;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews}: may the caller do
 * what the spec describes? Answered by {@link Authorizer} for the requesting user
 * ({@code kubectl auth can-i}). A denial carries no reason, as RBAC's carries none, so
 * kubectl prints a bare {@code no}.
 */
public final class SelfSubjectAccessReviews {
    private SelfSubjectAccessReviews() {}

    public static SelfSubjectAccessReview answer(Auth.User user, SelfSubjectAccessReview in) {
        SelfSubjectAccessReviewSpec spec = in.getSpec();
        if (spec.hasResourceAttributes() == spec.hasNonResourceAttributes()) {
            FieldErrors errs = new FieldErrors();
            errs.invalid(
                    "spec.resourceAttributes",
                    spec.hasResourceAttributes() ? "{...}" : "null",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified");
            throw ApiException.invalid(
                    SelfSubjectAccessReviewKind.RESOURCE, in.getMetadata().getName(), errs.list());
        }
        Authorizer.Attributes a;
        if (spec.hasResourceAttributes()) {
            var ra = spec.getResourceAttributes();
            a = Authorizer.Attributes.resource(
                    ra.getVerb(),
                    ra.getGroup(),
                    ra.getResource(),
                    ra.getSubresource(),
                    ra.getNamespace(),
                    ra.getName());
        } else {
            var na = spec.getNonResourceAttributes();
            a = Authorizer.Attributes.nonResource(na.getVerb(), na.getPath());
        }
        boolean allowed = Authorizer.allows(user, a);
        SubjectAccessReviewStatus.Builder status =
                SubjectAccessReviewStatus.newBuilder().setAllowed(allowed);
        if (allowed) {
            status.setReason(
                    user.isServiceAccount()
                            ? "kubelite: a service account may do everything in its own namespace"
                            : "kubelite: users of the token file may do everything");
        }
        return in.toBuilder().setStatus(status).build();
    }
}
