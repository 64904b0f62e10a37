package io.kubelite.apiserver.authentication;

import io.kubelite.api.TokenReview;
import io.kubelite.api.TokenReviewStatus;
import io.kubelite.apiserver.Auth;
import java.util.List;

/**
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}: whom {@code spec.token}
 * authenticates as, through the same token authenticators requests go through (static token
 * file, service-account JWTs), for {@code spec.audiences} (none: the API server's audiences).
 * {@code status.audiences} are those the token was accepted for. Only callers allowed to create
 * tokenreviews get here.
 */
public final class TokenReviews {
    private final Auth auth;

    public TokenReviews(Auth auth) {
        this.auth = auth;
    }

    public TokenReview answer(Auth.User caller, TokenReview in) {
        String token = in.getSpec().getToken().trim();
        List<String> audiences = in.getSpec().getAudiencesList();
        var result = token.isEmpty()
                ? java.util.Optional.<ServiceAccountTokenAuthenticator.Authenticated>empty()
                : auth.authenticateToken(token, audiences.isEmpty() ? null : audiences);
        TokenReviewStatus.Builder status = TokenReviewStatus.newBuilder().setAuthenticated(result.isPresent());
        result.ifPresent(
                a -> status.setUser(SelfSubjectReviews.userInfo(a.user())).addAllAudiences(a.audiences()));
        return in.toBuilder().setStatus(status).build();
    }
}
