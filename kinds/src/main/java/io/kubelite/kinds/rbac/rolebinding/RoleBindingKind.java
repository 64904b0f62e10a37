package io.kubelite.kinds.rbac.rolebinding;

import io.kubelite.api.RoleBinding;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.rbac.Bindings;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/**
 * RoleBindings ({@code rbac.authorization.k8s.io/v1}, namespaced): grant a Role of their
 * namespace, or a ClusterRole's rules within their namespace, to users, groups and service
 * accounts. The roleRef is immutable (kube's {@code ValidateRoleBindingUpdate}).
 */
public final class RoleBindingKind {
    public static final Resource<RoleBinding> RESOURCE = new Resource<>(
            RbacNames.GROUP, "v1", "RoleBinding", "rolebindings", true, RoleBinding.getDefaultInstance(), List.of());

    public static final Kind<RoleBinding> KIND = Kind.of(RESOURCE)
            .strategy(new Strategy<RoleBinding>() {
                @Override
                public RoleBinding defaults(RoleBinding b) {
                    return b.toBuilder()
                            .setRoleRef(Bindings.defaults(b.getRoleRef()))
                            .clearSubjects()
                            .addAllSubjects(Bindings.defaults(b.getSubjectsList()))
                            .build();
                }

                @Override
                public String nameError(String name) {
                    return RbacNames.nameError(name);
                }

                @Override
                public void validate(RoleBinding b, FieldErrors errs) {
                    Bindings.validateRoleRef(b.getRoleRef(), List.of(RbacNames.ROLE, RbacNames.CLUSTER_ROLE), errs);
                    Bindings.validateSubjects(b.getSubjectsList(), true, errs);
                }

                @Override
                public void validateUpdate(RoleBinding b, RoleBinding old, FieldErrors errs) {
                    Bindings.validateRoleRefUnchanged(b.getRoleRef(), old.getRoleRef(), errs);
                }
            })
            .columns(Bindings.columns(RoleBinding::getMetadata, RoleBinding::getRoleRef, RoleBinding::getSubjectsList))
            .build();

    private RoleBindingKind() {}
}
