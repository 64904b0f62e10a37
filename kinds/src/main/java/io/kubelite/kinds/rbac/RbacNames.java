package io.kubelite.kinds.rbac;

import java.util.ArrayList;
import java.util.List;

/**
 * The rbac.authorization.k8s.io group's names: its group, the subject kinds, and kube's
 * {@code ValidateRBACName} ({@code path.IsValidPathSegmentName}): RBAC objects are named
 * {@code system:basic-user} and the like, so only {@code .}, {@code ..}, {@code /} and
 * {@code %} are refused.
 */
public final class RbacNames {
    public static final String GROUP = "rbac.authorization.k8s.io";
    public static final String USER = "User";
    public static final String GROUP_KIND = "Group";
    public static final String SERVICE_ACCOUNT = "ServiceAccount";
    public static final String ROLE = "Role";
    public static final String CLUSTER_ROLE = "ClusterRole";

    private RbacNames() {}

    /** kube's messages for a name that is not a valid path segment; empty when it is one. */
    public static List<String> pathSegmentErrors(String name) {
        for (String illegal : List.of(".", "..")) {
            if (name.equals(illegal)) {
                return List.of("may not be '" + illegal + "'");
            }
        }
        List<String> out = new ArrayList<>();
        for (String illegal : List.of("/", "%")) {
            if (name.contains(illegal)) {
                out.add("may not contain '" + illegal + "'");
            }
        }
        return out;
    }

    /** Null when {@code name} is a valid RBAC object name, else kube's message(s), joined. */
    public static String nameError(String name) {
        List<String> errs = pathSegmentErrors(name);
        return errs.isEmpty() ? null : String.join(", ", errs);
    }
}
