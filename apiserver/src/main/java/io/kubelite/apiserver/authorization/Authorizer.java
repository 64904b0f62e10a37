package io.kubelite.apiserver.authorization;

import io.kubelite.api.PolicyRule;
import io.kubelite.apiserver.Auth;
import java.util.List;

/**
 * The API server's authorization decision point: a request's decision, an access review's answer
 * and a rules review's list all come from one {@code Authorizer}. {@link RbacAuthorizer} is kube's
 * RBAC mode; {@link #ALWAYS_ALLOW} kube's {@code AlwaysAllow} mode. Implementations are
 * thread-safe and never block (they read in-memory caches).
 */
public interface Authorizer {

    /** kube's {@code --authorization-mode=AlwaysAllow}: every request is allowed. */
    Authorizer ALWAYS_ALLOW = new Authorizer() {
        @Override
        public Decision authorize(Auth.User u, Attributes a) {
            return new Decision(true, "");
        }

        @Override
        public Rules rules(Auth.User u, String namespace) {
            PolicyRule all = PolicyRule.newBuilder()
                    .addVerbs("*")
                    .addApiGroups("*")
                    .addResources("*")
                    .build();
            PolicyRule urls = PolicyRule.newBuilder()
                    .addVerbs("*")
                    .addNonResourceUrls("*")
                    .build();
            return new Rules(List.of(all, urls), false);
        }
    };

    /** Whether {@code u} may do {@code a}, and kube's reason (which binding allowed it; empty on denial). */
    Decision authorize(Auth.User u, Attributes a);

    /** Every rule {@code u} has in {@code namespace} (null or empty: the cluster-wide ones only). */
    Rules rules(Auth.User u, String namespace);

    default boolean allows(Auth.User u, Attributes a) {
        return authorize(u, a).allowed();
    }

    /** An authorization decision and its reason, as a SubjectAccessReview's status carries them. */
    record Decision(boolean allowed, String reason) {}

    /** The rules a user holds; {@code incomplete} when a binding named a role that does not exist. */
    record Rules(List<PolicyRule> rules, boolean incomplete) {}

    /** What a request asks to do: a resource request, or a non-resource one ({@code path} set). */
    record Attributes(
            String verb,
            String group,
            String resource,
            String subresource,
            String namespace,
            String name,
            String path) {

        /** {@code namespace} null or empty means cluster-wide (or a cluster-scoped resource). */
        public static Attributes resource(
                String verb, String group, String resource, String subresource, String namespace, String name) {
            return new Attributes(verb, group, resource, subresource, namespace, name, null);
        }

        public static Attributes nonResource(String verb, String path) {
            return new Attributes(verb, null, null, null, null, null, path);
        }

        public boolean isResourceRequest() {
            return path == null;
        }
    }
}
