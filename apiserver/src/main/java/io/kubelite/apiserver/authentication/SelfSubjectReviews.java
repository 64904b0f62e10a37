package io.kubelite.apiserver.authentication;

import io.kubelite.api.SelfSubjectReview;
import io.kubelite.api.SelfSubjectReviewStatus;
import io.kubelite.api.UserInfo;
import io.kubelite.apiserver.Auth;

/**
 * {@code POST /apis/authentication.k8s.io/v1/selfsubjectreviews}: who the API server takes
 * the caller for ({@code kubectl auth whoami}): user name, uid and groups.
 */
public final class SelfSubjectReviews {
    private SelfSubjectReviews() {}

    public static SelfSubjectReview answer(Auth.User user, SelfSubjectReview in) {
        return in.toBuilder()
                .setStatus(SelfSubjectReviewStatus.newBuilder().setUserInfo(userInfo(user)))
                .build();
    }

    /** kube's {@code UserInfo} of an authenticated caller. */
    static UserInfo userInfo(Auth.User user) {
        return UserInfo.newBuilder()
                .setUsername(user.name())
                .setUid(user.uid())
                .addAllGroups(user.groups())
                .build();
    }
}
