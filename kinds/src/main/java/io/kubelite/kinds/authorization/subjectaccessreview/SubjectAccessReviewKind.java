package io.kubelite.kinds.authorization.subjectaccessreview;

import io.kubelite.api.SubjectAccessReview;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * SubjectAccessReviews ({@code authorization.k8s.io/v1}, cluster-scoped, create-only): "may
 * this user, with these groups, do this?", answered by the API server's authorizer for the
 * subject in the spec (webhook authorizers and auth-delegating servers ask it); never stored.
 */
public final class SubjectAccessReviewKind {
    public static final Resource<SubjectAccessReview> RESOURCE = new Resource<>(
            "authorization.k8s.io",
            "v1",
            "SubjectAccessReview",
            "subjectaccessreviews",
            false,
            SubjectAccessReview.getDefaultInstance(),
            List.of());

    public static final Kind<SubjectAccessReview> KIND =
            Kind.of(RESOURCE).createOnly().build();

    private SubjectAccessReviewKind() {}
}
