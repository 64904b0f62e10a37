package io.kubelite.apiserver.authorization;

import io.kubelite.api.ClusterRole;
import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.api.Role;
import io.kubelite.api.RoleBinding;
import io.kubelite.apiserver.WatchCache;
import java.util.List;
import java.util.Optional;

/**
 * The RBAC objects of the API server's watch caches: what kube's RBAC authorizer reads from its
 * informers. A change is seen by the next request once the cache has it (a moment after the write).
 */
public final class WatchCachePolicy implements RbacPolicy {
    private final WatchCache<Role> roles;
    private final WatchCache<ClusterRole> clusterRoles;
    private final WatchCache<RoleBinding> roleBindings;
    private final WatchCache<ClusterRoleBinding> clusterRoleBindings;

    public WatchCachePolicy(
            WatchCache<Role> roles,
            WatchCache<ClusterRole> clusterRoles,
            WatchCache<RoleBinding> roleBindings,
            WatchCache<ClusterRoleBinding> clusterRoleBindings) {
        this.roles = roles;
        this.clusterRoles = clusterRoles;
        this.roleBindings = roleBindings;
        this.clusterRoleBindings = clusterRoleBindings;
    }

    @Override
    public List<ClusterRoleBinding> clusterRoleBindings() {
        return clusterRoleBindings.snapshot(null).entries().stream()
                .map(WatchCache.Entry::object)
                .toList();
    }

    @Override
    public List<RoleBinding> roleBindings(String namespace) {
        return roleBindings.snapshot(namespace).entries().stream()
                .map(WatchCache.Entry::object)
                .toList();
    }

    @Override
    public Optional<ClusterRole> clusterRole(String name) {
        return Optional.ofNullable(clusterRoles.get("", name)).map(WatchCache.Entry::object);
    }

    @Override
    public Optional<Role> role(String namespace, String name) {
        return Optional.ofNullable(roles.get(namespace, name)).map(WatchCache.Entry::object);
    }
}
