package io.kubelite.kinds.authorization.selfsubjectrulesreview;

import io.kubelite.api.SelfSubjectRulesReview;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * SelfSubjectRulesReviews ({@code authorization.k8s.io/v1}, cluster-scoped, create-only):
 * the rules the requesting user has in a namespace ({@code kubectl auth can-i --list});
 * never stored.
 */
public final class SelfSubjectRulesReviewKind {
    public static final Resource<SelfSubjectRulesReview> RESOURCE = new Resource<>(
            "authorization.k8s.io",
            "v1",
            "SelfSubjectRulesReview",
            "selfsubjectrulesreviews",
            false,
            SelfSubjectRulesReview.getDefaultInstance(),
            List.of());

    public static final Kind<SelfSubjectRulesReview> KIND =
            Kind.of(RESOURCE).createOnly().build();

    private SelfSubjectRulesReviewKind() {}
}
