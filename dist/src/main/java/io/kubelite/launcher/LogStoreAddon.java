package io.kubelite.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The log store's add-on object: Service {@code kube-system/log-store} (port {@code http} 3100
 * to the pod's named port {@code http}, selecting {@code k8s-app=log-store}, which kubelite's
 * log-store mirror pod carries), so the store is discoverable as Loki is in a cluster.
 */
final class LogStoreAddon {
    static final String NAMESPACE = "kube-system";
    static final String NAME = "log-store";
    static final String SERVICE_PATH = "/api/v1/namespaces/" + NAMESPACE + "/services/" + NAME;

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogStoreAddon() {}

    /** The Service's apply configuration (JSON, which is YAML). */
    static String service() {
        ObjectNode svc = JSON.createObjectNode();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", NAMESPACE);
        meta.putObject("labels").put("k8s-app", NAME);
        ObjectNode spec = svc.putObject("spec");
        ObjectNode port = spec.putArray("ports").addObject();
        port.put("name", "http");
        port.put("port", 3100);
        port.put("protocol", "TCP");
        port.put("targetPort", "http");
        spec.putObject("selector").put("k8s-app", NAME);
        return svc.toString();
    }
}
