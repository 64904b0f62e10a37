package io.kubelite.kinds.authentication.selfsubjectreview;

import io.kubelite.api.SelfSubjectReview;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * SelfSubjectReviews ({@code authentication.k8s.io/v1}, cluster-scoped, create-only): who
 * the API server takes the caller for ({@code kubectl auth whoami}); never stored.
 */
public final class SelfSubjectReviewKind {
    public static final Resource<SelfSubjectReview> RESOURCE = new Resource<>(
            "authentication.k8s.io",
            "v1",
            "SelfSubjectReview",
            "selfsubjectreviews",
            false,
            SelfSubjectReview.getDefaultInstance(),
            List.of());

    public static final Kind<SelfSubjectReview> KIND =
            Kind.of(RESOURCE).createOnly().build();

    private SelfSubjectReviewKind() {}
}
