package io.kubelite.kinds.rbac.clusterrole;

import io.kubelite.api.ClusterRole;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.rbac.RoleColumns;
import java.util.List;

/**
 * ClusterRoles ({@code rbac.authorization.k8s.io/v1}, cluster-scoped): rules granted cluster-wide
 * through ClusterRoleBindings, or in one namespace through RoleBindings. One with an
 * {@code aggregationRule} has its rules kept by the controller-manager's aggregation controller.
 */
public final class ClusterRoleKind {
    /** kube's label of the bootstrap roles and bindings the API server reconciles. */
    public static final String BOOTSTRAPPING_LABEL = "kubernetes.io/bootstrapping";

    /** kube's annotation: "true" lets the API server bring a bootstrap object back to its defaults. */
    public static final String AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate";

    public static final Resource<ClusterRole> RESOURCE = new Resource<>(
            RbacNames.GROUP, "v1", "ClusterRole", "clusterroles", false, ClusterRole.getDefaultInstance(), List.of());

    public static final Kind<ClusterRole> KIND = Kind.of(RESOURCE)
            .strategy(new ClusterRoleStrategy())
            .columns(RoleColumns.of(ClusterRole::getMetadata))
            .build();

    private ClusterRoleKind() {}
}
