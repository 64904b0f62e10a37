package io.kubelite.launcher;

/**
 * The dashboard's add-on object: Service {@code kube-system/kubelite-dashboard} (port {@code http}
 * 9090 to the pod's named port {@code http}, selecting {@code k8s-app=kubelite-dashboard}, which
 * the dashboard's mirror pod carries), so it is discoverable as Kubernetes Dashboard is.
 */
final class DashboardAddon {
    static final String NAME = "kubelite-dashboard";
    static final String SERVICE_PATH = AddonService.path(NAME);

    private DashboardAddon() {}

    /** The Service's apply configuration (JSON, which is YAML). */
    static String service() {
        return AddonService.of(NAME, "http", DashboardLaunch.DEFAULT_PORT);
    }
}
