package io.kubelite.apiserver.authentication;

import io.kubelite.api.TokenReview;
import io.kubelite.api.TokenReviewStatus;
import io.kubelite.apiserver.Auth;

/**
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}: whom {@code spec.token}
 * authenticates as, through the same token authenticator requests go through (static
 * token file, service-account token Secrets). Only callers allowed to create tokenreviews
 * (not service accounts) get here.
 */
public final class TokenReviews {
    private final Auth auth;

    public TokenReviews(Auth auth) {
        this.auth = auth;
    }

    public TokenReview answer(Auth.User caller, TokenReview in) {
        String token = in.getSpec().getToken();
        Auth.User u = token.isBlank() ? null : auth.authenticate("Bearer " + token);
        TokenReviewStatus.Builder status = TokenReviewStatus.newBuilder()
                .setAuthenticated(u != null)
                .addAllAudiences(in.getSpec().getAudiencesList());
        if (u != null) {
            status.setUser(SelfSubjectReviews.userInfo(u));
        }
        return in.toBuilder().setStatus(status).build();
    }
}
