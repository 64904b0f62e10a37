package io.kubelite.apiserver.authorization;

import io.kubelite.api.AggregationRule;
import io.kubelite.api.ClusterRole;
import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PolicyRule;
import io.kubelite.api.RoleRef;
import io.kubelite.api.Subject;
import io.kubelite.kinds.rbac.RbacNames;
import io.kubelite.kinds.rbac.clusterrole.ClusterRoleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's bootstrap RBAC policy ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}), the
 * part a kubelite cluster has use for: the user-facing roles ({@code cluster-admin}, and
 * {@code admin}, {@code edit}, {@code view} aggregated from {@code system:aggregate-to-*}), the
 * roles every caller gets ({@code system:basic-user}, {@code system:discovery},
 * {@code system:public-info-viewer}, {@code system:service-account-issuer-discovery}), the ones
 * kube's own API clients are bound to by deployers ({@code system:auth-delegator},
 * {@code system:monitoring}, {@code system:kube-aggregator}), and their default bindings. Every
 * object carries {@code kubernetes.io/bootstrapping=rbac-defaults} and
 * {@code rbac.authorization.kubernetes.io/autoupdate=true}.
 */
public final class BootstrapPolicy {
    public static final String AGGREGATE_TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
    public static final String AGGREGATE_TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
    public static final String AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

    private static final List<String> READ = List.of("get", "list", "watch");
    private static final List<String> WRITE = List.of("create", "delete", "deletecollection", "patch", "update");
    private static final List<String> READ_WRITE =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private BootstrapPolicy() {}

    public static List<ClusterRole> clusterRoles() {
        List<ClusterRole> out = new ArrayList<>();
        out.add(role(
                "cluster-admin", Map.of(), rule(List.of("*"), List.of("*"), List.of("*")), urls(List.of("*"), "*")));
        out.add(role(
                "system:discovery",
                Map.of(),
                urls(
                        List.of("get"),
                        "/api",
                        "/api/*",
                        "/apis",
                        "/apis/*",
                        "/healthz",
                        "/livez",
                        "/openapi",
                        "/openapi/*",
                        "/readyz",
                        "/version",
                        "/version/")));
        out.add(role(
                "system:monitoring",
                Map.of(),
                urls(
                        List.of("get"),
                        "/healthz",
                        "/healthz/*",
                        "/livez",
                        "/livez/*",
                        "/metrics",
                        "/metrics/slis",
                        "/readyz",
                        "/readyz/*")));
        out.add(role(
                "system:basic-user",
                Map.of(),
                rule(
                        List.of("create"),
                        List.of("authorization.k8s.io"),
                        List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
                rule(List.of("create"), List.of("authentication.k8s.io"), List.of("selfsubjectreviews"))));
        out.add(role(
                "system:public-info-viewer",
                Map.of(),
                urls(List.of("get"), "/healthz", "/livez", "/readyz", "/version", "/version/")));
        out.add(role(
                "system:service-account-issuer-discovery",
                Map.of(),
                urls(List.of("get"), "/.well-known/openid-configuration", "/openid/v1/jwks")));
        out.add(aggregated("admin", Map.of(), AGGREGATE_TO_ADMIN));
        out.add(aggregated("edit", Map.of(AGGREGATE_TO_ADMIN, "true"), AGGREGATE_TO_EDIT));
        out.add(aggregated("view", Map.of(AGGREGATE_TO_EDIT, "true"), AGGREGATE_TO_VIEW));
        out.add(role(
                "system:aggregate-to-admin",
                Map.of(AGGREGATE_TO_ADMIN, "true"),
                rule(List.of("create"), List.of("authorization.k8s.io"), List.of("localsubjectaccessreviews")),
                rule(READ_WRITE, List.of(RbacNames.GROUP), List.of("rolebindings", "roles"))));
        out.add(role("system:aggregate-to-edit", Map.of(AGGREGATE_TO_EDIT, "true"), editRules()));
        out.add(role("system:aggregate-to-view", Map.of(AGGREGATE_TO_VIEW, "true"), viewRules()));
        out.add(role(
                "system:auth-delegator",
                Map.of(),
                rule(List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
                rule(List.of("create"), List.of("authorization.k8s.io"), List.of("subjectaccessreviews"))));
        out.add(role("system:kube-aggregator", Map.of(), rule(READ, List.of(""), List.of("endpoints", "services"))));
        return out;
    }

    public static List<ClusterRoleBinding> clusterRoleBindings() {
        return List.of(
                binding("cluster-admin", group(RbacAuthorizer.SUPERUSER_GROUP)),
                binding("system:basic-user", group("system:authenticated")),
                binding("system:discovery", group("system:authenticated")),
                binding("system:monitoring", group("system:monitoring")),
                binding("system:public-info-viewer", group("system:authenticated"), group("system:unauthenticated")),
                binding("system:service-account-issuer-discovery", group("system:serviceaccounts")));
    }

    /** kube's {@code system:aggregate-to-edit}: write what view reads, plus the escalating reads. */
    private static PolicyRule[] editRules() {
        return new PolicyRule[] {
            rule(
                    READ,
                    List.of(""),
                    List.of("pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy")),
            rule(List.of("impersonate"), List.of(""), List.of("serviceaccounts")),
            rule(WRITE, List.of(""), List.of("pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy")),
            rule(List.of("create"), List.of(""), List.of("pods/eviction")),
            rule(
                    WRITE,
                    List.of(""),
                    List.of(
                            "configmaps",
                            "endpoints",
                            "persistentvolumeclaims",
                            "replicationcontrollers",
                            "replicationcontrollers/scale",
                            "secrets",
                            "serviceaccounts",
                            "services",
                            "services/proxy")),
            rule(List.of("create"), List.of(""), List.of("serviceaccounts/token")),
            rule(
                    WRITE,
                    List.of("apps"),
                    List.of(
                            "daemonsets",
                            "deployments",
                            "deployments/rollback",
                            "deployments/scale",
                            "replicasets",
                            "replicasets/scale",
                            "statefulsets",
                            "statefulsets/scale")),
            rule(WRITE, List.of("autoscaling"), List.of("horizontalpodautoscalers")),
            rule(WRITE, List.of("batch"), List.of("cronjobs", "jobs")),
            rule(WRITE, List.of("policy"), List.of("poddisruptionbudgets")),
            rule(WRITE, List.of("networking.k8s.io"), List.of("ingresses", "networkpolicies")),
        };
    }

    /** kube's {@code system:aggregate-to-view}: read-only, no secrets, no escalating subresources. */
    private static PolicyRule[] viewRules() {
        return new PolicyRule[] {
            rule(
                    READ,
                    List.of(""),
                    List.of(
                            "configmaps",
                            "endpoints",
                            "persistentvolumeclaims",
                            "persistentvolumeclaims/status",
                            "pods",
                            "replicationcontrollers",
                            "replicationcontrollers/scale",
                            "serviceaccounts",
                            "services",
                            "services/status")),
            rule(
                    READ,
                    List.of(""),
                    List.of(
                            "bindings",
                            "events",
                            "limitranges",
                            "namespaces/status",
                            "pods/log",
                            "pods/status",
                            "replicationcontrollers/status",
                            "resourcequotas",
                            "resourcequotas/status")),
            rule(READ, List.of(""), List.of("namespaces")),
            rule(READ, List.of("discovery.k8s.io"), List.of("endpointslices")),
            rule(
                    READ,
                    List.of("apps"),
                    List.of(
                            "controllerrevisions",
                            "daemonsets",
                            "daemonsets/status",
                            "deployments",
                            "deployments/scale",
                            "deployments/status",
                            "replicasets",
                            "replicasets/scale",
                            "replicasets/status",
                            "statefulsets",
                            "statefulsets/scale",
                            "statefulsets/status")),
            rule(READ, List.of("autoscaling"), List.of("horizontalpodautoscalers", "horizontalpodautoscalers/status")),
            rule(READ, List.of("batch"), List.of("cronjobs", "cronjobs/status", "jobs", "jobs/status")),
            rule(READ, List.of("policy"), List.of("poddisruptionbudgets", "poddisruptionbudgets/status")),
            rule(READ, List.of("networking.k8s.io"), List.of("ingresses", "ingresses/status", "networkpolicies")),
            rule(READ, List.of("events.k8s.io"), List.of("events")),
        };
    }

    private static ObjectMeta meta(String name, Map<String, String> labels) {
        return ObjectMeta.newBuilder()
                .setName(name)
                .putAllLabels(labels)
                .putLabels(ClusterRoleKind.BOOTSTRAPPING_LABEL, "rbac-defaults")
                .putAnnotations(ClusterRoleKind.AUTOUPDATE_ANNOTATION, "true")
                .build();
    }

    private static ClusterRole role(String name, Map<String, String> labels, PolicyRule... rules) {
        return ClusterRole.newBuilder()
                .setMetadata(meta(name, labels))
                .addAllRules(List.of(rules))
                .build();
    }

    private static ClusterRole aggregated(String name, Map<String, String> labels, String selectorLabel) {
        return ClusterRole.newBuilder()
                .setMetadata(meta(name, labels))
                .setAggregationRule(AggregationRule.newBuilder()
                        .addClusterRoleSelectors(LabelSelector.newBuilder().putMatchLabels(selectorLabel, "true")))
                .build();
    }

    private static ClusterRoleBinding binding(String role, Subject... subjects) {
        return ClusterRoleBinding.newBuilder()
                .setMetadata(meta(role, Map.of()))
                .setRoleRef(RoleRef.newBuilder()
                        .setApiGroup(RbacNames.GROUP)
                        .setKind(RbacNames.CLUSTER_ROLE)
                        .setName(role))
                .addAllSubjects(List.of(subjects))
                .build();
    }

    private static Subject group(String name) {
        return Subject.newBuilder()
                .setKind(RbacNames.GROUP_KIND)
                .setApiGroup(RbacNames.GROUP)
                .setName(name)
                .build();
    }

    static PolicyRule rule(List<String> verbs, List<String> groups, List<String> resources) {
        return PolicyRule.newBuilder()
                .addAllVerbs(verbs)
                .addAllApiGroups(groups)
                .addAllResources(resources)
                .build();
    }

    private static PolicyRule urls(List<String> verbs, String... urls) {
        return PolicyRule.newBuilder()
                .addAllVerbs(verbs)
                .addAllNonResourceUrls(List.of(urls))
                .build();
    }
}
