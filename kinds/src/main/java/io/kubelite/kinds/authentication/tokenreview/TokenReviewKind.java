package io.kubelite.kinds.authentication.tokenreview;

import io.kubelite.api.TokenReview;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * TokenReviews ({@code authentication.k8s.io/v1}, cluster-scoped, create-only): whom a
 * bearer token authenticates as, for webhooks and proxies; never stored.
 */
public final class TokenReviewKind {
    public static final Resource<TokenReview> RESOURCE = new Resource<>(
            "authentication.k8s.io",
            "v1",
            "TokenReview",
            "tokenreviews",
            false,
            TokenReview.getDefaultInstance(),
            List.of());

    public static final Kind<TokenReview> KIND = Kind.of(RESOURCE).createOnly().build();

    private TokenReviewKind() {}
}
