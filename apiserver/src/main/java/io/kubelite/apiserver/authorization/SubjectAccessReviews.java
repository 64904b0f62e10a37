package io.kubelite.apiserver.authorization;

import io.kubelite.api.LocalSubjectAccessReview;
import io.kubelite.api.SubjectAccessReview;
import io.kubelite.api.SubjectAccessReviewSpec;
import io.kubelite.api.SubjectAccessReviewStatus;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.authorization.localsubjectaccessreview.LocalSubjectAccessReviewKind;
import io.kubelite.kinds.authorization.subjectaccessreview.SubjectAccessReviewKind;
import io.kubelite.kinds.validation.FieldErrors;

/**
 * {@code subjectaccessreviews} and {@code localsubjectaccessreviews}
 * ({@code authorization.k8s.io/v1}): may the user and groups of the spec do what it describes?
 * Answered by the {@link Authorizer} for that subject, whoever asks (being allowed to create the
 * review is the permission). A local review is confined to its own namespace, as kube's is.
 */
public final class SubjectAccessReviews {
    private final Authorizer authorizer;

    public SubjectAccessReviews(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public SubjectAccessReview answer(Auth.User caller, String namespace, SubjectAccessReview in) {
        FieldErrors errs = validate(in.getSpec());
        if (!errs.isEmpty()) {
            throw ApiException.invalid(
                    SubjectAccessReviewKind.RESOURCE, in.getMetadata().getName(), errs.list());
        }
        return in.toBuilder().setStatus(status(in.getSpec())).build();
    }

    public LocalSubjectAccessReview answerLocal(Auth.User caller, String namespace, LocalSubjectAccessReview in) {
        SubjectAccessReviewSpec spec = in.getSpec();
        FieldErrors errs = validate(spec);
        if (spec.hasNonResourceAttributes()) {
            errs.invalid("spec.nonResourceAttributes", "{...}", "disallowed on this kind of request");
        }
        if (spec.hasResourceAttributes()
                && !spec.getResourceAttributes().getNamespace().equals(namespace)) {
            errs.invalid(
                    "spec.resourceAttributes.namespace",
                    spec.getResourceAttributes().getNamespace(),
                    "must match metadata.namespace");
        }
        if (!errs.isEmpty()) {
            throw ApiException.invalid(invalidKind(), in.getMetadata().getName(), errs.list());
        }
        return in.toBuilder().setStatus(status(spec)).build();
    }

    private static Resource<?> invalidKind() {
        return LocalSubjectAccessReviewKind.RESOURCE;
    }

    /** kube's {@code ValidateSubjectAccessReviewSpec}. */
    private static FieldErrors validate(SubjectAccessReviewSpec spec) {
        FieldErrors errs = new FieldErrors();
        ReviewAttributes.validate(spec.hasResourceAttributes(), spec.hasNonResourceAttributes(), errs);
        if (spec.getUser().isEmpty() && spec.getGroupsCount() == 0) {
            errs.invalid("spec.user", "", "at least one of user or group must be specified");
        }
        return errs;
    }

    private SubjectAccessReviewStatus.Builder status(SubjectAccessReviewSpec spec) {
        String name = spec.getUser();
        String ns = null;
        String saPrefix = "system:serviceaccount:";
        if (name.startsWith(saPrefix) && name.indexOf(':', saPrefix.length()) > 0) {
            ns = name.substring(saPrefix.length(), name.indexOf(':', saPrefix.length()));
        }
        Auth.User subject = new Auth.User(name, spec.getUid(), spec.getGroupsList(), ns);
        Authorizer.Decision d = authorizer.authorize(
                subject,
                ReviewAttributes.of(
                        spec.hasResourceAttributes(), spec.getResourceAttributes(), spec.getNonResourceAttributes()));
        return SubjectAccessReviewStatus.newBuilder().setAllowed(d.allowed()).setReason(d.reason());
    }
}
