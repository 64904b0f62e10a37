package io.kubelite.kinds.rbac.role;

import io.kubelite.api.Role;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.rbac.PolicyRules;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.rbac.RoleColumns;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/**
 * Roles ({@code rbac.authorization.k8s.io/v1}, namespaced): rules granted in one namespace
 * through RoleBindings. kube's validation: RBAC names, every rule with verbs, and with apiGroups
 * and resources (non-resource URLs are for ClusterRoles only).
 */
public final class RoleKind {
    public static final Resource<Role> RESOURCE =
            new Resource<>(RbacNames.GROUP, "v1", "Role", "roles", true, Role.getDefaultInstance(), List.of());

    public static final Kind<Role> KIND = Kind.of(RESOURCE)
            .strategy(new Strategy<Role>() {
                @Override
                public String nameError(String name) {
                    return RbacNames.nameError(name);
                }

                @Override
                public void validate(Role r, FieldErrors errs) {
                    PolicyRules.validate(r.getRulesList(), true, errs);
                }
            })
            .columns(RoleColumns.of(Role::getMetadata))
            .build();

    private RoleKind() {}
}
