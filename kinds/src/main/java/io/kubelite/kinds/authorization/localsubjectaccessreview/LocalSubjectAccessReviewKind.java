package io.kubelite.kinds.authorization.localsubjectaccessreview;

import io.kubelite.api.LocalSubjectAccessReview;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * LocalSubjectAccessReviews ({@code authorization.k8s.io/v1}, namespaced, create-only): a
 * SubjectAccessReview confined to the review's namespace, so that a namespace's admin may ask
 * it; never stored.
 */
public final class LocalSubjectAccessReviewKind {
    public static final Resource<LocalSubjectAccessReview> RESOURCE = new Resource<>(
            "authorization.k8s.io",
            "v1",
            "LocalSubjectAccessReview",
            "localsubjectaccessreviews",
            true,
            LocalSubjectAccessReview.getDefaultInstance(),
            List.of());

    public static final Kind<LocalSubjectAccessReview> KIND =
            Kind.of(RESOURCE).createOnly().build();

    private LocalSubjectAccessReviewKind() {}
}
