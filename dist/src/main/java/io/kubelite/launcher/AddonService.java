package io.kubelite.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Service in front of a kubelite add-on process: {@code kube-system/NAME}, labelled and
 * selecting {@code k8s-app=NAME} (the label the add-on's mirror pod carries), one TCP port to the
 * pod's named port of the same name.
 */
final class AddonService {
    static final String NAMESPACE = "kube-system";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AddonService() {}

    /** The Service's apply configuration (JSON, which is YAML). */
    static String of(String name, String portName, int port) {
        ObjectNode svc = JSON.createObjectNode();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata");
        meta.put("name", name);
        meta.put("namespace", NAMESPACE);
        meta.putObject("labels").put("k8s-app", name);
        ObjectNode spec = svc.putObject("spec");
        ObjectNode p = spec.putArray("ports").addObject();
        p.put("name", portName);
        p.put("port", port);
        p.put("protocol", "TCP");
        p.put("targetPort", portName);
        spec.putObject("selector").put("k8s-app", name);
        return svc.toString();
    }

    /** Where the Service is applied. */
    static String path(String name) {
        return "/api/v1/namespaces/" + NAMESPACE + "/services/" + name;
    }
}
