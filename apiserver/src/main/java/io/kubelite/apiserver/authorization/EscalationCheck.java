package io.kubelite.apiserver.authorization;

import com.google.protobuf.Message;
import io.kubelite.api.ClusterRole;
import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.api.PolicyRule;
import io.kubelite.api.Role;
import io.kubelite.api.RoleBinding;
import io.kubelite.api.RoleRef;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.rbac.clusterrole.ClusterRoleKind;
import io.kubelite.kinds.rbac.role.RoleKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * kube's RBAC escalation prevention, applied to every create and update of a role or binding. A
 * Role or ClusterRole may be written by a user who holds all its rules already (in the role's
 * namespace; cluster-wide for a ClusterRole) or may {@code escalate} it; a RoleBinding or
 * ClusterRoleBinding by one who holds all the referenced role's rules (where the binding grants
 * them) or may {@code bind} it. {@code system:masters} may do anything. The refusal is kube's
 * 403: {@code roles.rbac.authorization.k8s.io "x" is forbidden: user "u" (groups=[...]) is
 * attempting to grant RBAC permissions not currently held:} and the missing rules. An update
 * that leaves the rules (or subjects and roleRef) as they were is not checked.
 */
public final class EscalationCheck {
    private final RbacAuthorizer rbac;

    public EscalationCheck(RbacAuthorizer rbac) {
        this.rbac = rbac;
    }

    /** Throws kube's 403 when {@code u} may not write {@code obj} ({@code old}: the stored object, null on create). */
    public <T extends Message> void check(Auth.User u, Resource<T> r, T obj, T old) {
        if (RbacAuthorizer.isSuperuser(u)) {
            return;
        }
        if (obj instanceof Role role) {
            if (old == null || !((Role) old).getRulesList().equals(role.getRulesList())) {
                String ns = role.getMetadata().getNamespace();
                checkRules(u, r, ns, role.getMetadata().getName(), role.getRulesList());
            }
        } else if (obj instanceof ClusterRole role) {
            if (old == null || !((ClusterRole) old).getRulesList().equals(role.getRulesList())) {
                checkRules(u, r, "", role.getMetadata().getName(), role.getRulesList());
            }
        } else if (obj instanceof RoleBinding b) {
            if (old == null || !((RoleBinding) old).getSubjectsList().equals(b.getSubjectsList())) {
                checkBinding(
                        u, r, b.getMetadata().getNamespace(), b.getMetadata().getName(), b.getRoleRef());
            }
        } else if (obj instanceof ClusterRoleBinding b) {
            if (old == null || !((ClusterRoleBinding) old).getSubjectsList().equals(b.getSubjectsList())) {
                checkBinding(u, r, "", b.getMetadata().getName(), b.getRoleRef());
            }
        }
    }

    private void checkRules(Auth.User u, Resource<?> r, String ns, String name, List<PolicyRule> rules) {
        if (rbac.allows(u, Authorizer.Attributes.resource("escalate", r.group(), r.plural(), "", ns, name))) {
            return;
        }
        confirmNoEscalation(u, r, ns, name, rules);
    }

    private void checkBinding(Auth.User u, Resource<?> r, String ns, String name, RoleRef ref) {
        String roles =
                ref.getKind().equals(RbacNames.ROLE) ? RoleKind.RESOURCE.plural() : ClusterRoleKind.RESOURCE.plural();
        if (rbac.allows(u, Authorizer.Attributes.resource("bind", RbacNames.GROUP, roles, "", ns, ref.getName()))) {
            return;
        }
        List<PolicyRule> rules = rbac.roleRules(ref, ns)
                .orElseThrow(() -> ApiException.of(
                        404, "NotFound", roles + "." + RbacNames.GROUP + " \"" + ref.getName() + "\" not found"));
        confirmNoEscalation(u, r, ns, name, rules);
    }

    private void confirmNoEscalation(Auth.User u, Resource<?> r, String ns, String name, List<PolicyRule> rules) {
        Authorizer.Rules held = rbac.rules(u, ns);
        List<PolicyRule> missing = RuleCoverage.uncovered(held.rules(), rules);
        if (missing.isEmpty()) {
            return;
        }
        TreeSet<String> described = new TreeSet<>();
        for (PolicyRule m : compact(missing)) {
            described.add(RuleCoverage.compact(m));
        }
        String msg = "user \"" + u.name() + "\" (groups=" + RuleCoverage.quoted(u.groups())
                + ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", described);
        throw new ApiException(
                403,
                "Forbidden",
                r.plural() + "." + r.group() + " \"" + name + "\" is forbidden: " + msg,
                name,
                r.group(),
                r.plural(),
                List.of(),
                null);
    }

    /** kube's {@code CompactRules}: single-group, single-resource rules merged, their verbs joined. */
    private static List<PolicyRule> compact(List<PolicyRule> rules) {
        List<PolicyRule> out = new ArrayList<>();
        Map<List<String>, PolicyRule.Builder> simple = new LinkedHashMap<>();
        for (PolicyRule rule : rules) {
            boolean isSimple = rule.getApiGroupsCount() == 1
                    && rule.getResourcesCount() == 1
                    && rule.getNonResourceUrlsCount() == 0
                    && rule.getResourceNamesCount() <= 1;
            if (!isSimple) {
                out.add(rule);
                continue;
            }
            List<String> key = List.of(
                    rule.getApiGroups(0),
                    rule.getResources(0),
                    rule.getResourceNamesCount() == 0 ? "" : "=" + rule.getResourceNames(0));
            PolicyRule.Builder b = simple.get(key);
            if (b == null) {
                simple.put(key, rule.toBuilder());
            } else {
                b.addAllVerbs(rule.getVerbsList());
            }
        }
        simple.values().forEach(b -> out.add(b.build()));
        return out;
    }
}
