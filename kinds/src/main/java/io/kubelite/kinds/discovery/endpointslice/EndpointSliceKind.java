package io.kubelite.kinds.discovery.endpointslice;

import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.ArrayList;
import java.util.List;

/**
 * EndpointSlices ({@code discovery.k8s.io/v1}, namespaced): the EndpointSlice controller's
 * slices of a Service's endpoints (at most 100 endpoints each by default), and users' slices for
 * Services without a selector.
 */
public final class EndpointSliceKind {
    /** The label naming the Service a slice belongs to ({@code discovery.LabelServiceName}). */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** The label naming the controller or user that manages a slice ({@code discovery.LabelManagedBy}). */
    public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

    public static final Resource<EndpointSlice> RESOURCE = new Resource<>(
            "discovery.k8s.io",
            "v1",
            "EndpointSlice",
            "endpointslices",
            true,
            EndpointSlice.getDefaultInstance(),
            List.of());

    public static final Kind<EndpointSlice> KIND = Kind.of(RESOURCE)
            .strategy(new EndpointSliceStrategy())
            .columns(List.of(
                    Cells.name(EndpointSlice::getMetadata),
                    Column.of(
                            "AddressType",
                            "string",
                            "addressType specifies the type of address carried by this EndpointSlice. All addresses in"
                                    + " this slice must be the same type. This field is immutable after creation. The"
                                    + " following address types are currently supported: * IPv4: Represents an IPv4"
                                    + " Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully"
                                    + " Qualified Domain Name.",
                            (s, now) -> s.getAddressType()),
                    Column.of(
                            "Ports",
                            "string",
                            "ports specifies the list of network ports exposed by each endpoint in this slice. Each"
                                    + " port must have a unique name. When ports is empty, it indicates that there are"
                                    + " no defined ports. When a port is defined with a nil port value, it indicates"
                                    + " \"all ports\". Each slice may include a maximum of 100 ports.",
                            (s, now) -> ports(s)),
                    Column.of(
                            "Endpoints",
                            "string",
                            "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of"
                                    + " 1000 endpoints.",
                            (s, now) -> endpoints(s)),
                    Cells.age(EndpointSlice::getMetadata)))
            .build();

    private static final int MAX = 3;

    private EndpointSliceKind() {}

    /** kube's {@code formatDiscoveryPorts}: the first three port numbers (a name, or {@code *}, when unset). */
    static String ports(EndpointSlice s) {
        List<String> list = new ArrayList<>();
        for (EndpointPort p : s.getPortsList()) {
            if (list.size() == MAX) {
                break;
            }
            list.add(p.hasPort() ? Integer.toString(p.getPort()) : p.hasName() ? p.getName() : "*");
        }
        return withMore(list, s.getPortsCount());
    }

    /** kube's {@code formatDiscoveryEndpoints}: the first three addresses, the rest counted. */
    static String endpoints(EndpointSlice s) {
        List<String> list = new ArrayList<>();
        int count = 0;
        for (Endpoint e : s.getEndpointsList()) {
            for (String a : e.getAddressesList()) {
                if (list.size() < MAX) {
                    list.add(a);
                }
                count++;
            }
        }
        return withMore(list, count);
    }

    /** kube's {@code listWithMoreString}: {@code a,b,c + N more...}, or {@code <unset>} for nothing. */
    private static String withMore(List<String> list, int count) {
        String ret = String.join(",", list);
        if (count > MAX) {
            return ret + " + " + (count - MAX) + " more...";
        }
        return ret.isEmpty() ? "<unset>" : ret;
    }
}
