package io.kubelite.apiserver.authorization;

import io.kubelite.api.PolicyRule;
import java.util.List;

/**
 * kube's RBAC rule matching ({@code RuleAllows} and its helpers in
 * {@code plugin/pkg/auth/authorizer/rbac}): verb, API group, resource (a rule for
 * {@code res/sub} or {@code *}/{@code sub}), resource name; or a non-resource URL, equal or
 * under a prefix ending in {@code *}.
 */
final class RuleMatching {
    private RuleMatching() {}

    static boolean allows(PolicyRule r, Authorizer.Attributes a) {
        if (!a.isResourceRequest()) {
            return has(r.getVerbsList(), a.verb()) && nonResourceUrlMatches(r.getNonResourceUrlsList(), a.path());
        }
        String sub = a.subresource() == null ? "" : a.subresource();
        String combined = sub.isEmpty() ? a.resource() : a.resource() + "/" + sub;
        return has(r.getVerbsList(), a.verb())
                && has(r.getApiGroupsList(), a.group() == null ? "" : a.group())
                && resourceMatches(r.getResourcesList(), combined, sub)
                && (r.getResourceNamesCount() == 0
                        || r.getResourceNamesList().contains(a.name() == null ? "" : a.name()));
    }

    private static boolean resourceMatches(List<String> rules, String combined, String sub) {
        for (String rr : rules) {
            if (rr.equals("*") || rr.equals(combined)) {
                return true;
            }
            if (!sub.isEmpty() && rr.equals("*/" + sub)) {
                return true;
            }
        }
        return false;
    }

    private static boolean nonResourceUrlMatches(List<String> urls, String path) {
        for (String u : urls) {
            if (u.equals("*") || u.equals(path) || (u.endsWith("*") && path.startsWith(trimStars(u)))) {
                return true;
            }
        }
        return false;
    }

    static String trimStars(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '*') {
            end--;
        }
        return s.substring(0, end);
    }

    /** {@code values} holds {@code v} or the wildcard {@code *}. */
    static boolean has(List<String> values, String v) {
        return values.contains("*") || values.contains(v);
    }
}
