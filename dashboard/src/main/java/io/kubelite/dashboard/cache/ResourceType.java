package io.kubelite.dashboard.cache;

/**
 * One API resource the dashboard lists and watches, as the API server serves it: its URL
 * prefix ({@code /api/v1} or {@code /apis/GROUP/VERSION}), plural name and API group (for access
 * reviews), and whether it is namespaced.
 */
public record ResourceType(String apiPrefix, String group, String resource, boolean namespaced) {
    public static final ResourceType NODES = new ResourceType("/api/v1", "", "nodes", false);
    public static final ResourceType PODS = new ResourceType("/api/v1", "", "pods", true);
    public static final ResourceType NAMESPACES = new ResourceType("/api/v1", "", "namespaces", false);
    public static final ResourceType EVENTS = new ResourceType("/api/v1", "", "events", true);
    public static final ResourceType SERVICES = new ResourceType("/api/v1", "", "services", true);
    public static final ResourceType ENDPOINT_SLICES =
            new ResourceType("/apis/discovery.k8s.io/v1", "discovery.k8s.io", "endpointslices", true);
    public static final ResourceType DEPLOYMENTS = new ResourceType("/apis/apps/v1", "apps", "deployments", true);
    public static final ResourceType REPLICASETS = new ResourceType("/apis/apps/v1", "apps", "replicasets", true);
    public static final ResourceType DAEMONSETS = new ResourceType("/apis/apps/v1", "apps", "daemonsets", true);
    public static final ResourceType STATEFULSETS = new ResourceType("/apis/apps/v1", "apps", "statefulsets", true);
    public static final ResourceType JOBS = new ResourceType("/apis/batch/v1", "batch", "jobs", true);
    public static final ResourceType CRONJOBS = new ResourceType("/apis/batch/v1", "batch", "cronjobs", true);
    public static final ResourceType LEASES =
            new ResourceType("/apis/coordination.k8s.io/v1", "coordination.k8s.io", "leases", true);

    /** The collection's path across all namespaces, e.g. {@code /api/v1/pods}. */
    public String collectionPath() {
        return apiPrefix + "/" + resource;
    }

    @Override
    public String toString() {
        return group.isEmpty() ? resource : resource + "." + group;
    }
}
