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
                    Column.of("Endpoints", "string", "Endpoints of the service", (e, now) -> endpoints(e)),
                    Cells.age(Endpoints::getMetadata)))
            .build();

    private EndpointsKind() {}

    /** kubectl's {@code formatEndpoints}: the first three ip:port pairs, then a count. */
    private static String endpoints(Endpoints e) {
        List<String> eps = new ArrayList<>();
        for (EndpointSubset s : e.getSubsetsList()) {
            for (EndpointAddress a : s.getAddressesList()) {
                for (EndpointPort p : s.getPortsList()) {
                    eps.add(a.getIp() + ":" + p.getPort());
                }
            }
        }
        if (eps.isEmpty()) {
            return "<none>";
        }
        return eps.size() > 3
                ? String.join(",", eps.subList(0, 3)) + " + " + (eps.size() - 3) + " more..."
                : String.join(",", eps);
    }
}
