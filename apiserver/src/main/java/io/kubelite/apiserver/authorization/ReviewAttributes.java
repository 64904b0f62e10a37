package io.kubelite.apiserver.authorization;

import io.kubelite.api.NonResourceAttributes;
import io.kubelite.api.ResourceAttributes;
import io.kubelite.kinds.validation.FieldErrors;

/**
 * The request attributes an access review's spec describes, and kube's check that it describes
 * exactly one request ({@code ValidateSelfSubjectAccessReviewSpec}).
 */
final class ReviewAttributes {
    private ReviewAttributes() {}

    static void validate(boolean hasResource, boolean hasNonResource, FieldErrors errs) {
        if (hasResource && hasNonResource) {
            errs.invalid(
                    "spec.nonResourceAttributes",
                    "{...}",
                    "cannot be specified in combination with resourceAttributes");
        }
        if (!hasResource && !hasNonResource) {
            errs.invalid(
                    "spec.resourceAttributes",
                    "null",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }
    }

    static Authorizer.Attributes of(boolean hasResource, ResourceAttributes ra, NonResourceAttributes na) {
        if (hasResource) {
            return Authorizer.Attributes.resource(
                    ra.getVerb(),
                    ra.getGroup(),
                    ra.getResource(),
                    ra.getSubresource(),
                    ra.getNamespace(),
                    ra.getName());
        }
        return Authorizer.Attributes.nonResource(na.getVerb(), na.getPath());
    }
}
