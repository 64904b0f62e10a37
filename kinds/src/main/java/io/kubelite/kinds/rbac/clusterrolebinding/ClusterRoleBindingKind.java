package io.kubelite.kinds.rbac.clusterrolebinding;

import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.rbac.Bindings;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/**
 * ClusterRoleBindings ({@code rbac.authorization.k8s.io/v1}, cluster-scoped): grant a
 * ClusterRole's rules in every namespace and on cluster-scoped resources. A ServiceAccount
 * subject needs its namespace; the roleRef is immutable.
 */
public final class ClusterRoleBindingKind {
    public static final Resource<ClusterRoleBinding> RESOURCE = new Resource<>(
            RbacNames.GROUP,
            "v1",
            "ClusterRoleBinding",
            "clusterrolebindings",
            false,
            ClusterRoleBinding.getDefaultInstance(),
            List.of());

    public static final Kind<ClusterRoleBinding> KIND = Kind.of(RESOURCE)
            .strategy(new Strategy<ClusterRoleBinding>() {
                @Override
                public ClusterRoleBinding defaults(ClusterRoleBinding b) {
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
                public void validate(ClusterRoleBinding b, FieldErrors errs) {
                    Bindings.validateRoleRef(b.getRoleRef(), List.of(RbacNames.CLUSTER_ROLE), errs);
                    Bindings.validateSubjects(b.getSubjectsList(), false, errs);
                }

                @Override
                public void validateUpdate(ClusterRoleBinding b, ClusterRoleBinding old, FieldErrors errs) {
                    Bindings.validateRoleRefUnchanged(b.getRoleRef(), old.getRoleRef(), errs);
                }
            })
            .columns(Bindings.columns(
                    ClusterRoleBinding::getMetadata,
                    ClusterRoleBinding::getRoleRef,
                    ClusterRoleBinding::getSubjectsList))
            .build();

    private ClusterRoleBindingKind() {}
}
