package io.kubelite.apiserver.authorization;

import io.kubelite.api.NonResourceRule;
import io.kubelite.api.ResourceRule;
import io.kubelite.apiserver.Auth;
import java.util.ArrayList;
import java.util.List;

/**
 * kubelite's authorizer, written as the RBAC rules it amounts to, so that a request's
 * decision, a {@code SelfSubjectAccessReview} and a {@code SelfSubjectRulesReview} all come
 * from one place, matched as kube's RBAC authorizer matches rules.
 *
 * <p>The policy: a user of the static token file (and the anonymous user of
 * {@code --anonymous-auth}) may do everything, like {@code cluster-admin}; a service
 * account may do everything inside its own namespace and nothing cluster-wide; every
 * caller may reach the non-resource paths (discovery, health, version, metrics). On top,
 * as in every kube cluster, authenticated users have the default roles
 * {@code system:basic-user} (create the self reviews), {@code system:discovery} and
 * {@code system:public-info-viewer}.
 */
public final class Authorizer {
    private static final List<String> ALL = List.of("*");

    private Authorizer() {}

    /** What a request asks to do: a resource request, or a non-resource one ({@code path} set). */
    public record Attributes(
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

        boolean isResourceRequest() {
            return path == null;
        }
    }

    /** The rules {@code u} has in {@code namespace} (null or empty: the cluster-scoped ones only). */
    public record Rules(List<ResourceRule> resourceRules, List<NonResourceRule> nonResourceRules) {}

    /** {@code u}'s rules in {@code namespace}, as kube's RBAC rule resolver lists them. */
    public static Rules rules(Auth.User u, String namespace) {
        List<ResourceRule> res = new ArrayList<>();
        List<NonResourceRule> non = new ArrayList<>();
        boolean inOwnNamespace = namespace != null && !namespace.isEmpty() && namespace.equals(u.namespace());
        if (!u.isServiceAccount() || inOwnNamespace) {
            res.add(resourceRule(ALL, ALL, ALL));
        }
        // kubelite answers every non-resource path to any caller it let in
        non.add(nonResourceRule(ALL, ALL));
        if (u.groups().contains("system:authenticated")) {
            defaultRoles(res, non);
        }
        return new Rules(res, non);
    }

    /** Whether {@code u} may do {@code a}: some rule of {@code u} in the request's namespace matches. */
    public static boolean allows(Auth.User u, Attributes a) {
        Rules rules = rules(u, a.namespace());
        if (!a.isResourceRequest()) {
            return rules.nonResourceRules().stream().anyMatch(r -> matches(r, a));
        }
        return rules.resourceRules().stream().anyMatch(r -> matches(r, a));
    }

    /** kube's {@code system:basic-user}, {@code system:discovery}, {@code system:public-info-viewer}. */
    private static void defaultRoles(List<ResourceRule> res, List<NonResourceRule> non) {
        res.add(resourceRule(List.of("create"), List.of("authentication.k8s.io"), List.of("selfsubjectreviews")));
        res.add(resourceRule(
                List.of("create"),
                List.of("authorization.k8s.io"),
                List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")));
        non.add(nonResourceRule(
                List.of("get"),
                List.of(
                        "/api",
                        "/api/*",
                        "/apis",
                        "/apis/*",
                        "/healthz",
                        "/livez",
                        "/openapi",
                        "/openapi/*",
                        "/readyz",
                        "/version",
                        "/version/")));
        non.add(nonResourceRule(List.of("get"), List.of("/healthz", "/livez", "/readyz", "/version", "/version/")));
    }

    private static ResourceRule resourceRule(List<String> verbs, List<String> groups, List<String> resources) {
        return ResourceRule.newBuilder()
                .addAllVerbs(verbs)
                .addAllApiGroups(groups)
                .addAllResources(resources)
                .build();
    }

    private static NonResourceRule nonResourceRule(List<String> verbs, List<String> urls) {
        return NonResourceRule.newBuilder()
                .addAllVerbs(verbs)
                .addAllNonResourceUrls(urls)
                .build();
    }

    /** RBAC's {@code RuleAllows}: verb, group, resource (also a rule for every resource with one subresource) and name all match. */
    private static boolean matches(ResourceRule r, Attributes a) {
        String combined = a.subresource() == null || a.subresource().isEmpty()
                ? a.resource()
                : a.resource() + "/" + a.subresource();
        return matchesAny(r.getVerbsList(), a.verb())
                && matchesAny(r.getApiGroupsList(), nullToEmpty(a.group()))
                && resourceMatches(r.getResourcesList(), combined, a.subresource())
                && (r.getResourceNamesCount() == 0 || r.getResourceNamesList().contains(nullToEmpty(a.name())));
    }

    private static boolean resourceMatches(List<String> rules, String combined, String sub) {
        for (String rr : rules) {
            if (rr.equals("*") || rr.equals(combined)) {
                return true;
            }
            if (sub != null && !sub.isEmpty() && rr.equals("*/" + sub)) {
                return true;
            }
        }
        return false;
    }

    /** RBAC's {@code NonResourceURLMatches}: equal, {@code *}, or a prefix ending in {@code *}. */
    private static boolean matches(NonResourceRule r, Attributes a) {
        if (!matchesAny(r.getVerbsList(), a.verb())) {
            return false;
        }
        for (String u : r.getNonResourceUrlsList()) {
            if (u.equals("*")
                    || u.equals(a.path())
                    || (u.endsWith("*") && a.path().startsWith(u.substring(0, u.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(List<String> values, String v) {
        return values.contains("*") || values.contains(v);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
