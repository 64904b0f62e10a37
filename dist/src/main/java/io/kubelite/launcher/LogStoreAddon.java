package io.kubelite.launcher;

/**
 * The log store's add-on object: Service {@code kube-system/log-store} (port {@code http} 3100
 * to the pod's named port {@code http}, selecting {@code k8s-app=log-store}, which kubelite's
 * log-store mirror pod carries), so the store is discoverable as Loki is in a cluster.
 */
final class LogStoreAddon {
    static final String NAMESPACE = AddonService.NAMESPACE;
    static final String NAME = "log-store";
    static final String SERVICE_PATH = AddonService.path(NAME);

    private LogStoreAddon() {}

    /** The Service's apply configuration (JSON, which is YAML). */
    static String service() {
        return AddonService.of(NAME, "http", 3100);
    }
}
