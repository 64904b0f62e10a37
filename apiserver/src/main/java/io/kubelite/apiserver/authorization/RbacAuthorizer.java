package io.kubelite.apiserver.authorization;

import io.kubelite.api.ClusterRole;
import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.api.PolicyRule;
import io.kubelite.api.Role;
import io.kubelite.api.RoleBinding;
import io.kubelite.api.RoleRef;
import io.kubelite.api.Subject;
import io.kubelite.apiserver.Auth;
import io.kubelite.kinds.rbac.RbacNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * kube's RBAC authorizer ({@code --authorization-mode=RBAC}): a request is allowed when a rule
 * of a role bound to the user matches it. The rules visited, as kube's rule resolver visits them:
 * those of the ClusterRoles of every ClusterRoleBinding whose subjects include the user, then,
 * for a request in a namespace, those of the Role or ClusterRole of every RoleBinding of that
 * namespace that includes the user. Non-resource URLs are granted by ClusterRoleBindings only.
 * Members of {@code system:masters} are allowed everything before any rule is looked at (kube's
 * privileged-group authorizer). A binding naming a role that does not exist grants nothing.
 */
public final class RbacAuthorizer implements Authorizer {
    /** kube's {@code user.SystemPrivilegedGroup}. */
    public static final String SUPERUSER_GROUP = "system:masters";

    private static final String SA_PREFIX = "system:serviceaccount:";

    private final RbacPolicy policy;

    public RbacAuthorizer(RbacPolicy policy) {
        this.policy = policy;
    }

    /** Whether {@code u} is a member of {@code system:masters}. */
    public static boolean isSuperuser(Auth.User u) {
        return u.groups().contains(SUPERUSER_GROUP);
    }

    @Override
    public Decision authorize(Auth.User u, Attributes a) {
        if (isSuperuser(u)) {
            return new Decision(true, "");
        }
        for (ClusterRoleBinding b : policy.clusterRoleBindings()) {
            Subject s = appliesTo(u, b.getSubjectsList(), "");
            if (s == null) {
                continue;
            }
            for (PolicyRule r : roleRules(b.getRoleRef(), "").orElse(List.of())) {
                if (RuleMatching.allows(r, a)) {
                    return new Decision(
                            true,
                            "RBAC: allowed by ClusterRoleBinding \""
                                    + b.getMetadata().getName() + "\" of "
                                    + b.getRoleRef().getKind() + " \""
                                    + b.getRoleRef().getName() + "\" to "
                                    + describe(s, ""));
                }
            }
        }
        String ns = a.namespace();
        if (a.isResourceRequest() && ns != null && !ns.isEmpty()) {
            for (RoleBinding b : policy.roleBindings(ns)) {
                Subject s = appliesTo(u, b.getSubjectsList(), ns);
                if (s == null) {
                    continue;
                }
                for (PolicyRule r : roleRules(b.getRoleRef(), ns).orElse(List.of())) {
                    if (RuleMatching.allows(r, a)) {
                        return new Decision(
                                true,
                                "RBAC: allowed by RoleBinding \""
                                        + b.getMetadata().getName() + "/" + ns + "\" of "
                                        + b.getRoleRef().getKind() + " \""
                                        + b.getRoleRef().getName() + "\" to "
                                        + describe(s, ns));
                    }
                }
            }
        }
        return new Decision(false, "");
    }

    @Override
    public Rules rules(Auth.User u, String namespace) {
        List<PolicyRule> out = new ArrayList<>();
        boolean incomplete = false;
        for (ClusterRoleBinding b : policy.clusterRoleBindings()) {
            if (appliesTo(u, b.getSubjectsList(), "") != null) {
                Optional<List<PolicyRule>> rules = roleRules(b.getRoleRef(), "");
                incomplete |= rules.isEmpty();
                rules.ifPresent(out::addAll);
            }
        }
        if (namespace != null && !namespace.isEmpty()) {
            for (RoleBinding b : policy.roleBindings(namespace)) {
                if (appliesTo(u, b.getSubjectsList(), namespace) != null) {
                    Optional<List<PolicyRule>> rules = roleRules(b.getRoleRef(), namespace);
                    incomplete |= rules.isEmpty();
                    rules.ifPresent(out::addAll);
                }
            }
        }
        return new Rules(out, incomplete);
    }

    /** The rules of the role {@code ref} names (a Role in {@code namespace}); empty when it does not exist. */
    Optional<List<PolicyRule>> roleRules(RoleRef ref, String namespace) {
        if (ref.getKind().equals(RbacNames.CLUSTER_ROLE)) {
            return policy.clusterRole(ref.getName()).map(ClusterRole::getRulesList);
        }
        if (ref.getKind().equals(RbacNames.ROLE) && !namespace.isEmpty()) {
            return policy.role(namespace, ref.getName()).map(Role::getRulesList);
        }
        return Optional.empty();
    }

    /** The first of {@code subjects} that is {@code u} (kube's {@code appliesToUser}); null when none is. */
    private static Subject appliesTo(Auth.User u, List<Subject> subjects, String bindingNamespace) {
        for (Subject s : subjects) {
            boolean applies = switch (s.getKind()) {
                case RbacNames.USER -> u.name().equals(s.getName());
                case RbacNames.GROUP_KIND -> u.groups().contains(s.getName());
                case RbacNames.SERVICE_ACCOUNT -> {
                    String ns = s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
                    yield !ns.isEmpty() && u.name().equals(SA_PREFIX + ns + ":" + s.getName());
                }
                default -> false;
            };
            if (applies) {
                return s;
            }
        }
        return null;
    }

    /** kube's {@code describeSubject}: {@code User "alice"}, {@code ServiceAccount "name/namespace"}. */
    private static String describe(Subject s, String bindingNamespace) {
        if (s.getKind().equals(RbacNames.SERVICE_ACCOUNT)) {
            String ns = s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
            return s.getKind() + " \"" + s.getName() + "/" + ns + "\"";
        }
        return s.getKind() + " \"" + s.getName() + "\"";
    }
}
