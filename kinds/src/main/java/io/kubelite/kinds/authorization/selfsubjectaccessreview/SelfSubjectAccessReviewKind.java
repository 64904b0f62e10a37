package io.kubelite.kinds.authorization.selfsubjectaccessreview;

import io.kubelite.api.SelfSubjectAccessReview;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * SelfSubjectAccessReviews ({@code authorization.k8s.io/v1}, cluster-scoped, create-only):
 * "may I do this?", answered for the requesting user by the API server's authorizer
 * ({@code kubectl auth can-i}); never stored.
 */
public final class SelfSubjectAccessReviewKind {
    public static final Resource<SelfSubjectAccessReview> RESOURCE = new Resource<>(
            "authorization.k8s.io",
            "v1",
            "SelfSubjectAccessReview",
            "selfsubjectaccessreviews",
            false,
            SelfSubjectAccessReview.getDefaultInstance(),
            List.of());

    public static final Kind<SelfSubjectAccessReview> KIND =
            Kind.of(RESOURCE).createOnly().build();

    private SelfSubjectAccessReviewKind() {}
}
