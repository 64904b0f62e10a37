package io.kubelite.kinds.core.service;

import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.ArrayList;
import java.util.List;

/** kubectl's service columns ({@code printService}). */
final class ServiceColumns {
    static final List<Column<Service>> COLUMNS = List.of(
            Cells.name(Service::getMetadata),
            Column.of(
                    "Type",
                    "string",
                    "The type of the service",
                    (s, now) -> s.getSpec().getType()),
            Column.of(
                    "Cluster-IP",
                    "string",
                    "The cluster IP of the service",
                    (s, now) -> Cells.orNone(s.getSpec().getClusterIp())),
            Column.of("External-IP", "string", "The external IPs of the service", (s, now) -> "<none>"),
            Column.of("Port(s)", "string", "The ports of the service", (s, now) -> ports(s)),
            Cells.age(Service::getMetadata),
            Column.wide(
                    "Selector",
                    "string",
                    "The label selector of the service",
                    (s, now) -> Cells.selector(s.getSpec().getSelectorMap())));

    private ServiceColumns() {}

    private static String ports(Service s) {
        List<String> ports = new ArrayList<>();
        for (ServicePort p : s.getSpec().getPortsList()) {
            String np = p.getNodePort() > 0 ? ":" + p.getNodePort() : "";
            ports.add(p.getPort() + np + "/" + (p.getProtocol().isEmpty() ? "TCP" : p.getProtocol()));
        }
        return ports.isEmpty() ? "<none>" : String.join(",", ports);
    }
}
