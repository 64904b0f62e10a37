package io.kubelite.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * metrics-server's add-on objects as its {@code components.yaml} has them: Service
 * {@code kube-system/metrics-server} (port {@code https} 443 to the pod's named port
 * {@code https}, selecting {@code k8s-app=metrics-server}, which kubelite's metrics-server mirror
 * pod carries) and APIService {@code v1beta1.metrics.k8s.io} on that Service, with
 * {@code insecureSkipTLSVerify} (the server's certificate is self-signed at start) and priorities
 * 100/100.
 */
final class MetricsServerAddon {
    static final String NAMESPACE = AddonService.NAMESPACE;
    static final String NAME = "metrics-server";
    static final String API_SERVICE = "v1beta1.metrics.k8s.io";
    static final String SERVICE_PATH = AddonService.path(NAME);
    static final String API_SERVICE_PATH = "/apis/apiregistration.k8s.io/v1/apiservices/" + API_SERVICE;

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsServerAddon() {}

    /** The Service's apply configuration (JSON, which is YAML). */
    static String service() {
        return AddonService.of(NAME, "https", 443);
    }

    /** The APIService's apply configuration. */
    static String apiService() {
        ObjectNode a = JSON.createObjectNode();
        a.put("apiVersion", "apiregistration.k8s.io/v1");
        a.put("kind", "APIService");
        ObjectNode meta = a.putObject("metadata");
        meta.put("name", API_SERVICE);
        meta.putObject("labels").put("k8s-app", NAME);
        ObjectNode spec = a.putObject("spec");
        spec.put("group", "metrics.k8s.io");
        spec.put("version", "v1beta1");
        spec.put("groupPriorityMinimum", 100);
        spec.put("versionPriority", 100);
        spec.put("insecureSkipTLSVerify", true);
        ObjectNode svc = spec.putObject("service");
        svc.put("namespace", NAMESPACE);
        svc.put("name", NAME);
        svc.put("port", 443);
        return a.toString();
    }
}
