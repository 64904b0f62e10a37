package io.kubelite.apiserver.authorization;

import io.kubelite.api.ClusterRole;
import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.api.Role;
import io.kubelite.api.RoleBinding;
import java.util.List;
import java.util.Optional;

/** The RBAC objects an authorizer evaluates, as they are now (the API server's watch caches). */
public interface RbacPolicy {
    List<ClusterRoleBinding> clusterRoleBindings();

    List<RoleBinding> roleBindings(String namespace);

    Optional<ClusterRole> clusterRole(String name);

    Optional<Role> role(String namespace, String name);
}
