package io.kubelite.kinds.core.endpoints;

import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointPort;
import io.kubelite.api.EndpointSubset;
import io.kubelite.api.Endpoints;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.ArrayList;
import java.util.List;

/** Endpoints ({@code v1}, namespaced), written by the endpoints controller. */
public final class EndpointsKind {
    public static final Resource<Endpoints> RESOURCE =
            new Resource<>("", "v1", "Endpoints", "endpoints", true, Endpoints.getDefaultInstance(), List.of("ep"));

    public static final Kind<Endpoints> KIND = Kind.of(RESOURCE)
            .columns(List.of(
                    Cells.name(Endpoints::getMetadata),
                    Column.of(
                            "Endpoints",
                            "string",
                            "The set of all endpoints is the union of all subsets.",
                            (e, now) -> endpoints(e)),
                    Cells.age(Endpoints::getMetadata)))
            .build();

    private static final int MAX = 3;

    private EndpointsKind() {}

    /**
     * kube's {@code formatEndpoints}: per subset, per port, every address as {@code ip:port}
     * (a subset without ports: its bare IPs), the first three shown and the rest counted;
     * {@code <none>} without subsets.
     */
    static String endpoints(Endpoints e) {
        if (e.getSubsetsCount() == 0) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (EndpointSubset s : e.getSubsetsList()) {
            if (s.getPortsCount() == 0) {
                count += s.getAddressesCount();
                for (EndpointAddress a : s.getAddressesList()) {
                    if (list.size() == MAX) {
                        more = true;
                        break;
                    }
                    list.add(a.getIp());
                }
                continue;
            }
            for (EndpointPort p : s.getPortsList()) {
                count += s.getAddressesCount();
                for (EndpointAddress a : s.getAddressesList()) {
                    if (list.size() == MAX) {
                        more = true;
                        break;
                    }
                    list.add(hostPort(a.getIp(), p.getPort()));
                }
            }
        }
        String ret = String.join(",", list);
        return more ? ret + " + " + (count - MAX) + " more..." : ret;
    }

    /** Go's {@code net.JoinHostPort}: an IPv6 address in brackets. */
    private static String hostPort(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }
}
