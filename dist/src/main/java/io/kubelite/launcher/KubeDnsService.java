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

    /**
     * kubeadm's {@code GetDNSIP}: the tenth address of the Service range, {@code 10.96.0.10}
     * for the default {@code 10.96.0.0/12}.
     *
     * @throws IllegalArgumentException unless {@code cidr} is an IPv4 CIDR with room for it
     */
    static String ipFor(String cidr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})")
                .matcher(cidr.strip());
        if (!m.matches() || Integer.parseInt(m.group(5)) > 28) {
            throw new IllegalArgumentException(
                    "--service-cluster-ip-range must be an IPv4 CIDR of at least 16 addresses, got \"" + cidr + "\"");
        }
        long base = 0;
        for (int g = 1; g <= 4; g++) {
            int octet = Integer.parseInt(m.group(g));
            if (octet > 255) {
                throw new IllegalArgumentException("--service-cluster-ip-range: bad address in \"" + cidr + "\"");
            }
            base = base << 8 | octet;
        }
        int prefix = Integer.parseInt(m.group(5));
        long network = prefix == 0 ? 0 : base & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        long ip = network + 10;
        return (ip >> 24 & 255) + "." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255);
    }

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
