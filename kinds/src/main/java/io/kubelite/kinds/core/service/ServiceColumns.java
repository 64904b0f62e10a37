package io.kubelite.kinds.core.service;

import io.kubelite.api.LoadBalancerIngress;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** kube's service columns and cells ({@code serviceColumnDefinitions}, {@code printService}). */
final class ServiceColumns {
    static final List<Column<Service>> COLUMNS = List.of(
            Cells.name(Service::getMetadata),
            Column.of(
                    "Type",
                    "string",
                    "type determines how the Service is exposed.",
                    (s, now) -> s.getSpec().getType()),
            Column.of(
                    "Cluster-IP",
                    "string",
                    "clusterIP is the IP address of the service and is usually assigned randomly.",
                    // kube's clusterIPs[0]; kubelite's clusterIPs may be unset where clusterIP is
                    (s, now) -> s.getSpec().getClusterIpsCount() > 0
                            ? s.getSpec().getClusterIps(0)
                            : Cells.orNone(s.getSpec().getClusterIp())),
            Column.of(
                    "External-IP",
                    "string",
                    "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
                            + "traffic for this service.",
                    (s, now) -> externalIp(s)),
            Column.of("Port(s)", "string", "The list of ports that are exposed by this service.", (s, now) -> ports(s)),
            Cells.age(Service::getMetadata),
            Column.wide(
                    "Selector",
                    "string",
                    "Route service traffic to pods with label keys and values matching this selector.",
                    (s, now) -> Cells.selector(s.getSpec().getSelectorMap())));

    private ServiceColumns() {}

    /** kube's {@code getServiceExternalIP} (kubelite's services have no spec.externalIPs). */
    private static String externalIp(Service s) {
        return switch (s.getSpec().getType()) {
            case "ClusterIP", "NodePort" -> "<none>";
            case "LoadBalancer" -> {
                TreeSet<String> ips = new TreeSet<>();
                for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngressList()) {
                    if (!i.getIp().isEmpty()) {
                        ips.add(i.getIp());
                    } else if (!i.getHostname().isEmpty()) {
                        ips.add(i.getHostname());
                    }
                }
                yield ips.isEmpty() ? "<pending>" : String.join(",", ips);
            }
            case "ExternalName" -> s.getSpec().getExternalName();
            default -> "<unknown>";
        };
    }

    /** kube's {@code makePortString}: {@code 80/TCP}, {@code 80:30080/TCP}, or {@code <none>}. */
    private static String ports(Service s) {
        List<String> ports = new ArrayList<>();
        for (ServicePort p : s.getSpec().getPortsList()) {
            String np = p.getNodePort() > 0 ? ":" + p.getNodePort() : "";
            ports.add(p.getPort() + np + "/" + p.getProtocol());
        }
        return ports.isEmpty() ? "<none>" : String.join(",", ports);
    }
}
