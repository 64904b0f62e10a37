package io.kubelite.apiserver.authorization;

import io.kubelite.api.PolicyRule;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code validation.Covers}: whether one set of rules grants everything another does. The
 * other set is broken down into single-verb, single-group, single-resource (and single-name, or
 * single-URL) rules, and each must be covered by one owner rule.
 */
public final class RuleCoverage {
    private RuleCoverage() {}

    /** The broken-down rules of {@code wanted} that no rule of {@code owner} covers; empty when all are covered. */
    public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> wanted) {
        List<PolicyRule> out = new ArrayList<>();
        for (PolicyRule w : wanted) {
            for (PolicyRule sub : breakdown(w)) {
                if (owner.stream().noneMatch(o -> covers(o, sub))) {
                    out.add(sub);
                }
            }
        }
        return out;
    }

    /** kube's {@code BreakdownRule}. */
    static List<PolicyRule> breakdown(PolicyRule r) {
        List<PolicyRule> out = new ArrayList<>();
        for (String group : r.getApiGroupsList()) {
            for (String resource : r.getResourcesList()) {
                for (String verb : r.getVerbsList()) {
                    PolicyRule.Builder b = PolicyRule.newBuilder()
                            .addApiGroups(group)
                            .addResources(resource)
                            .addVerbs(verb);
                    if (r.getResourceNamesCount() == 0) {
                        out.add(b.build());
                    } else {
                        for (String name : r.getResourceNamesList()) {
                            out.add(b.clone().addResourceNames(name).build());
                        }
                    }
                }
            }
        }
        for (String url : r.getNonResourceUrlsList()) {
            for (String verb : r.getVerbsList()) {
                out.add(PolicyRule.newBuilder()
                        .addNonResourceUrls(url)
                        .addVerbs(verb)
                        .build());
            }
        }
        return out;
    }

    /** kube's {@code ruleCovers}. */
    static boolean covers(PolicyRule owner, PolicyRule sub) {
        boolean verbs =
                owner.getVerbsList().contains("*") || owner.getVerbsList().containsAll(sub.getVerbsList());
        boolean groups = owner.getApiGroupsList().contains("*")
                || owner.getApiGroupsList().containsAll(sub.getApiGroupsList());
        boolean resources = resourcesCover(owner.getResourcesList(), sub.getResourcesList());
        boolean urls = sub.getNonResourceUrlsList().stream()
                .allMatch(p -> owner.getNonResourceUrlsList().stream().anyMatch(o -> urlCovers(o, p)));
        boolean names = sub.getResourceNamesCount() == 0
                ? owner.getResourceNamesCount() == 0
                : owner.getResourceNamesCount() == 0
                        || owner.getResourceNamesList().containsAll(sub.getResourceNamesList());
        return verbs && groups && resources && urls && names;
    }

    private static boolean resourcesCover(List<String> owner, List<String> wanted) {
        if (owner.contains("*") || owner.containsAll(wanted)) {
            return true;
        }
        for (String path : wanted) {
            if (owner.contains(path)) {
                continue;
            }
            int slash = path.indexOf('/');
            if (slash < 0 || !owner.contains("*/" + path.substring(slash + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean urlCovers(String owner, String path) {
        return owner.equals(path) || (owner.endsWith("*") && path.startsWith(RuleMatching.trimStars(owner)));
    }

    /**
     * kube's {@code PolicyRule.CompactString}: {@code {APIGroups:[""], Resources:["pods"],
     * Verbs:["get"]}}, each list as Go's {@code %q} prints a slice of strings.
     */
    public static String compact(PolicyRule r) {
        List<String> parts = new ArrayList<>();
        if (r.getApiGroupsCount() > 0) {
            parts.add("APIGroups:" + quoted(r.getApiGroupsList()));
        }
        if (r.getResourcesCount() > 0) {
            parts.add("Resources:" + quoted(r.getResourcesList()));
        }
        if (r.getNonResourceUrlsCount() > 0) {
            parts.add("NonResourceURLs:" + quoted(r.getNonResourceUrlsList()));
        }
        if (r.getResourceNamesCount() > 0) {
            parts.add("ResourceNames:" + quoted(r.getResourceNamesList()));
        }
        if (r.getVerbsCount() > 0) {
            parts.add("Verbs:" + quoted(r.getVerbsList()));
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /** Go's {@code %q} of a {@code []string}: {@code ["a" "b"]}. */
    public static String quoted(List<String> values) {
        List<String> q = new ArrayList<>();
        for (String v : values) {
            q.add("\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return "[" + String.join(" ", q) + "]";
    }
}
