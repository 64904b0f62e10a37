package io.kubelite.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The kube-dns Service as kubeadm's CoreDNS add-on manifest has it
 * ({@code cmd/kubeadm/app/phases/addons/dns/manifests.go}): {@code kube-system/kube-dns}, the
 * cluster DNS IP, ports {@code dns} 53/UDP, {@code dns-tcp} 53/TCP and {@code metrics}
 * 9153/TCP, selecting {@code k8s-app=kube-dns}, with kubeadm's labels and Prometheus
 * annotations. Target ports are the DNS pod's named ports (kubelite's DNS process does not
 * listen on 53; its mirror pod names the port it does listen on).
 */
final class KubeDnsService {
    static final String NAMESPACE = "kube-system";
    static final String NAME = "kube-dns";
    static final String DEFAULT_IP = "10.96.0.10";
    static final String PATH = "/api/v1/namespaces/" + NAMESPACE + "/services/" + NAME;

    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeDnsService() {}

    /** The apply configuration (JSON, which is YAML) for a Service with cluster IP {@code ip}. */
    static String manifest(String ip) {
        ObjectNode svc = JSON.createObjectNode();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", NAMESPACE);
        ObjectNode labels = meta.putObject("labels");
        labels.put("k8s-app", "kube-dns");
        labels.put("kubernetes.io/cluster-service", "true");
        labels.put("kubernetes.io/name", "CoreDNS");
        ObjectNode annotations = meta.putObject("annotations");
        annotations.put("prometheus.io/port", "9153");
        annotations.put("prometheus.io/scrape", "true");
        ObjectNode spec = svc.putObject("spec");
        spec.put("clusterIP", ip);
        ArrayNode ports = spec.putArray("ports");
        port(ports, "dns", 53, "UDP");
        port(ports, "dns-tcp", 53, "TCP");
        port(ports, "metrics", 9153, "TCP");
        spec.putObject("selector").put("k8s-app", "kube-dns");
        return svc.toString();
    }

    private static void port(ArrayNode ports, String name, int port, String protocol) {
        ObjectNode p = ports.addObject();
        p.put("name", name);
        p.put("port", port);
        p.put("protocol", protocol);
        p.put("targetPort", name);
    }
}
