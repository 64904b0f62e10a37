package io.kubelite.apiserver.authorization;

import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import java.util.List;

/**
 * kube-apiserver's 403 for a request its authorizer did not allow ({@code ForbiddenStatusError}):
 * {@code pods "web" is forbidden: User "bob" cannot get resource "pods/log" in API group "" in the
 * namespace "default"}, the resource qualified by its group ({@code deployments.apps}), or
 * {@code forbidden: User "bob" cannot get path "/metrics"} for a non-resource path.
 */
public final class Forbidden {
    private Forbidden() {}

    /** Throws the 403 unless {@code authorizer} allows {@code u} to do {@code a}. */
    public static void unlessAllowed(Authorizer authorizer, Auth.User u, Authorizer.Attributes a) {
        if (!authorizer.allows(u, a)) {
            throw exception(u, a, "");
        }
    }

    /** The 403 for {@code a}; {@code reason}, when not empty, follows the sentence after a colon. */
    public static ApiException exception(Auth.User u, Authorizer.Attributes a, String reason) {
        String msg = sentence(u, a) + (reason.isEmpty() ? "" : ": " + reason);
        if (!a.isResourceRequest()) {
            return new ApiException(403, "Forbidden", "forbidden: " + msg, null, null, null, List.of(), null);
        }
        String group = a.group() == null ? "" : a.group();
        String qualified = group.isEmpty() ? a.resource() : a.resource() + "." + group;
        String name = a.name() == null ? "" : a.name();
        String what = name.isEmpty() ? qualified : qualified + " \"" + name + "\"";
        return new ApiException(
                403,
                "Forbidden",
                what + " is forbidden: " + msg,
                name.isEmpty() ? null : name,
                group,
                a.resource(),
                List.of(),
                null);
    }

    /** kube's {@code forbiddenMessage}. */
    static String sentence(Auth.User u, Authorizer.Attributes a) {
        if (!a.isResourceRequest()) {
            return "User \"" + u.name() + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
        }
        String res = a.subresource() == null || a.subresource().isEmpty()
                ? a.resource()
                : a.resource() + "/" + a.subresource();
        String ns = a.namespace();
        String scope = ns == null || ns.isEmpty() ? "at the cluster scope" : "in the namespace \"" + ns + "\"";
        return "User \"" + u.name() + "\" cannot " + a.verb() + " resource \"" + res + "\" in API group \""
                + (a.group() == null ? "" : a.group()) + "\" " + scope;
    }
}
