package io.kubelite.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One rule of an {@link AuditPolicy}, matched as kube's policy checker matches: every field set
 * must match (users by name, userGroups by any group, verbs); then namespaces/resources for a
 * resource request (cluster scope is namespace {@code ""}; a resource may be {@code *},
 * {@code res/sub}, {@code *}{@code /sub} or {@code res/*}), or nonResourceURLs for a
 * non-resource one ({@code *}, exact, or a prefix ending in {@code *}).
 */
public record AuditRule(
        AuditLevel level,
        List<String> users,
        List<String> userGroups,
        List<String> verbs,
        List<GroupResources> resources,
        List<String> namespaces,
        List<String> nonResourceUrls,
        Set<AuditStage> omitStages,
        Boolean omitManagedFields) {

    private static final Set<String> FIELDS = Set.of(
            "level",
            "users",
            "userGroups",
            "verbs",
            "resources",
            "namespaces",
            "nonResourceURLs",
            "omitStages",
            "omitManagedFields");
    private static final Set<String> GROUP_RESOURCE_FIELDS = Set.of("group", "resources", "resourceNames");

    /** A rule's {@code resources} entry: a group ("" is the core group), its resources and names. */
    public record GroupResources(String group, List<String> resources, List<String> resourceNames) {}

    public AuditRule {
        users = List.copyOf(users);
        userGroups = List.copyOf(userGroups);
        verbs = List.copyOf(verbs);
        resources = List.copyOf(resources);
        namespaces = List.copyOf(namespaces);
        nonResourceUrls = List.copyOf(nonResourceUrls);
        omitStages = Set.copyOf(omitStages);
    }

    static AuditRule parse(JsonNode n, String path) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(path + ": Invalid value: expected an object");
        }
        AuditPolicy.unknownFields(n, FIELDS, path);
        List<GroupResources> resources = new ArrayList<>();
        JsonNode rs = n.get("resources");
        if (rs != null && !rs.isNull()) {
            if (!rs.isArray()) {
                throw new IllegalArgumentException(path + ".resources: Invalid value: expected a list");
            }
            for (int i = 0; i < rs.size(); i++) {
                resources.add(groupResources(rs.get(i), path + ".resources[" + i + "]"));
            }
        }
        List<String> namespaces = PolicyFields.strings(n.get("namespaces"), path + ".namespaces");
        List<String> urls = PolicyFields.strings(n.get("nonResourceURLs"), path + ".nonResourceURLs");
        if (!urls.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
            throw new IllegalArgumentException(path + ".nonResourceURLs: Invalid value: " + urls
                    + ": rules cannot apply to both regular resources and non-resource URLs");
        }
        for (int i = 0; i < urls.size(); i++) {
            String u = urls.get(i);
            String at = path + ".nonResourceURLs[" + i + "]";
            if (u.isEmpty()) {
                throw new IllegalArgumentException(at + ": Required value");
            }
            if (u.equals("*")) {
                continue;
            }
            if (!u.startsWith("/")) {
                throw new IllegalArgumentException(
                        at + ": Invalid value: \"" + u + "\": non-resource URL rules must begin with a '/' character");
            }
            if (u.substring(0, u.length() - 1).contains("*")) {
                throw new IllegalArgumentException(at + ": Invalid value: \"" + u
                        + "\": non-resource URL wildcards '*' must be the final character of the rule");
            }
        }
        return new AuditRule(
                PolicyFields.level(n.get("level"), path + ".level"),
                PolicyFields.strings(n.get("users"), path + ".users"),
                PolicyFields.strings(n.get("userGroups"), path + ".userGroups"),
                PolicyFields.strings(n.get("verbs"), path + ".verbs"),
                resources,
                namespaces,
                urls,
                PolicyFields.stages(n.get("omitStages"), path + ".omitStages"),
                PolicyFields.bool(n.get("omitManagedFields"), path + ".omitManagedFields", null));
    }

    private static GroupResources groupResources(JsonNode n, String path) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(path + ": Invalid value: expected an object");
        }
        AuditPolicy.unknownFields(n, GROUP_RESOURCE_FIELDS, path);
        String group = n.path("group").asText("");
        List<String> res = PolicyFields.strings(n.get("resources"), path + ".resources");
        List<String> names = PolicyFields.strings(n.get("resourceNames"), path + ".resourceNames");
        for (int i = 0; i < res.size(); i++) {
            String r = res.get(i);
            boolean wildcardForm = r.equals("*") || r.startsWith("*/") || r.endsWith("/*");
            if (r.isEmpty() || (r.contains("*") && !wildcardForm)) {
                throw new IllegalArgumentException(
                        path + ".resources[" + i + "]: Invalid value: \"" + r
                                + "\": a resource is a name, \"*\", \"resource/subresource\", \"*/subresource\" or \"resource/*\"");
            }
        }
        if (!names.isEmpty() && res.isEmpty()) {
            throw new IllegalArgumentException(path + ".resourceNames: Invalid value: " + names
                    + ": using resourceNames requires at least one resource");
        }
        return new GroupResources(group, res, names);
    }

    boolean matches(AuditAttributes a) {
        if (!users.isEmpty() && (a.user() == null || !users.contains(a.user().name()))) {
            return false;
        }
        if (!userGroups.isEmpty()
                && (a.user() == null || a.user().groups().stream().noneMatch(userGroups::contains))) {
            return false;
        }
        if (!verbs.isEmpty() && !verbs.contains(a.verb())) {
            return false;
        }
        if (!namespaces.isEmpty() || !resources.isEmpty()) {
            return matchesResource(a);
        }
        if (!nonResourceUrls.isEmpty()) {
            return !a.resourceRequest() && nonResourceUrls.stream().anyMatch(spec -> pathMatches(a.path(), spec));
        }
        return true;
    }

    private boolean matchesResource(AuditAttributes a) {
        if (!a.resourceRequest()) {
            return false;
        }
        if (!namespaces.isEmpty() && !namespaces.contains(a.namespace())) {
            return false;
        }
        if (resources.isEmpty()) {
            return true;
        }
        String sub = a.subresource();
        String combined = sub.isEmpty() ? a.resource() : a.resource() + "/" + sub;
        for (GroupResources gr : resources) {
            if (!gr.group().equals(a.group())) {
                continue;
            }
            if (gr.resources().isEmpty()) {
                return true;
            }
            if (!gr.resourceNames().isEmpty() && !gr.resourceNames().contains(a.name())) {
                continue;
            }
            for (String res : gr.resources()) {
                if (res.equals("*") || res.equals(combined)) {
                    return true;
                }
                if (!sub.isEmpty() && res.startsWith("*/") && res.substring(2).equals(sub)) {
                    return true;
                }
                if (res.endsWith("/*") && res.substring(0, res.length() - 2).equals(a.resource())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean pathMatches(String path, String spec) {
        return spec.equals("*")
                || spec.equals(path)
                || (spec.endsWith("*") && path.startsWith(spec.substring(0, spec.length() - 1)));
    }
}
