package io.kubelite.kinds.discovery.endpointslice;

import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's EndpointSlice strategy and validation ({@code pkg/apis/discovery/validation}): an
 * address type of IPv4, IPv6 or FQDN, immutable; at most 1000 endpoints of 1 to 100 addresses
 * each, every address of the slice's type (IPs not unspecified, loopback or link-local);
 * hostnames DNS labels; at most 100 ports with unique DNS-label names and a TCP, UDP or SCTP
 * protocol (defaulted to TCP). As kube's v1 API, writes to {@code deprecatedTopology} are
 * dropped, and {@code generation} starts at 1 and counts changes of anything but metadata.
 * Stateless.
 */
final class EndpointSliceStrategy implements Strategy<EndpointSlice> {
    static final int MAX_ENDPOINTS = 1000;
    static final int MAX_ADDRESSES = 100;
    static final int MAX_PORTS = 100;
    static final int MAX_TOPOLOGY_LABELS = 16;
    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    /** kube's {@code SetDefaults_EndpointPort}: an unnamed port gets the empty name, a port without protocol TCP. */
    @Override
    public EndpointSlice defaults(EndpointSlice s) {
        boolean change = false;
        for (EndpointPort p : s.getPortsList()) {
            change |= !p.hasName() || !p.hasProtocol();
        }
        if (!change) {
            return s;
        }
        EndpointSlice.Builder b = s.toBuilder().clearPorts();
        for (EndpointPort p : s.getPortsList()) {
            EndpointPort.Builder pb = p.toBuilder();
            if (!p.hasName()) {
                pb.setName("");
            }
            if (!p.hasProtocol()) {
                pb.setProtocol("TCP");
            }
            b.addPorts(pb);
        }
        return b.build();
    }

    @Override
    public EndpointSlice prepareForCreate(EndpointSlice s) {
        EndpointSlice out = dropTopology(null, s);
        return out.toBuilder()
                .setMetadata(out.getMetadata().toBuilder().setGeneration(1))
                .build();
    }

    @Override
    public EndpointSlice prepareForUpdate(EndpointSlice s, EndpointSlice old) {
        EndpointSlice out = dropTopology(old, s);
        if (!content(out).equals(content(old))) {
            out = out.toBuilder()
                    .setMetadata(out.getMetadata().toBuilder()
                            .setGeneration(old.getMetadata().getGeneration() + 1))
                    .build();
        }
        return out;
    }

    /** The slice without its metadata: what a generation counts. */
    private static EndpointSlice content(EndpointSlice s) {
        return s.toBuilder().clearMetadata().clearApiVersion().clearKind().build();
    }

    /**
     * kube's {@code dropTopologyOnV1}: {@code deprecatedTopology} is not writable through v1; an
     * endpoint without {@code nodeName} whose topology names a node the stored slice already
     * named there keeps it as its {@code nodeName}. Nothing changes when the endpoints do not.
     */
    static EndpointSlice dropTopology(EndpointSlice old, EndpointSlice s) {
        if (old != null && old.getEndpointsList().equals(s.getEndpointsList())) {
            return s;
        }
        Set<String> previous = new HashSet<>();
        if (old != null) {
            for (Endpoint e : old.getEndpointsList()) {
                String n = e.getDeprecatedTopologyOrDefault(HOSTNAME_LABEL, null);
                if (n != null) {
                    previous.add(n);
                }
            }
        }
        boolean any = false;
        for (Endpoint e : s.getEndpointsList()) {
            any |= e.getDeprecatedTopologyCount() > 0;
        }
        if (!any) {
            return s;
        }
        EndpointSlice.Builder b = s.toBuilder().clearEndpoints();
        for (Endpoint e : s.getEndpointsList()) {
            Endpoint.Builder eb = e.toBuilder().clearDeprecatedTopology();
            String n = e.getDeprecatedTopologyOrDefault(HOSTNAME_LABEL, null);
            if (!e.hasNodeName() && n != null && previous.contains(n) && Names.dns1123SubdomainError(n) == null) {
                eb.setNodeName(n);
            }
            b.addEndpoints(eb);
        }
        return b.build();
    }

    @Override
    public void validate(EndpointSlice s, FieldErrors errs) {
        String type = s.getAddressType();
        if (type.isEmpty()) {
            errs.required("addressType");
        } else if (!ADDRESS_TYPES.contains(type)) {
            errs.notSupported("addressType", type, ADDRESS_TYPES);
        }
        validateEndpoints(s.getEndpointsList(), type, errs);
        validatePorts(s.getPortsList(), errs);
    }

    @Override
    public void validateUpdate(EndpointSlice s, EndpointSlice old, FieldErrors errs) {
        if (!s.getAddressType().equals(old.getAddressType())) {
            errs.invalid("addressType", s.getAddressType(), "field is immutable");
        }
    }

    private static void validateEndpoints(List<Endpoint> endpoints, String type, FieldErrors errs) {
        if (endpoints.size() > MAX_ENDPOINTS) {
            errs.tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS);
            return;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            String path = "endpoints[" + i + "]";
            String addresses = path + ".addresses";
            if (e.getAddressesCount() == 0) {
                errs.required(addresses, "must contain at least 1 address");
            } else if (e.getAddressesCount() > MAX_ADDRESSES) {
                errs.tooMany(addresses, e.getAddressesCount(), MAX_ADDRESSES);
            }
            for (int j = 0; j < e.getAddressesCount(); j++) {
                EndpointAddresses.validate(type, addresses + "[" + j + "]", e.getAddresses(j), errs);
            }
            if (e.hasNodeName()) {
                errs.invalidIf(path + ".nodeName", e.getNodeName(), Names.dns1123SubdomainError(e.getNodeName()));
            }
            String topology = path + ".deprecatedTopology";
            if (e.getDeprecatedTopologyCount() > MAX_TOPOLOGY_LABELS) {
                errs.tooMany(topology, e.getDeprecatedTopologyCount(), MAX_TOPOLOGY_LABELS);
            }
            for (Map.Entry<String, String> l : e.getDeprecatedTopologyMap().entrySet()) {
                errs.invalidIf(topology, l.getKey(), Names.qualifiedNameError(l.getKey()));
                errs.invalidIf(topology, l.getValue(), Names.labelValueError(l.getValue()));
            }
            if (e.hasHostname()) {
                errs.invalidIf(path + ".hostname", e.getHostname(), Names.dns1123LabelError(e.getHostname()));
            }
        }
    }

    private static void validatePorts(List<EndpointPort> ports, FieldErrors errs) {
        if (ports.size() > MAX_PORTS) {
            errs.tooMany("ports", ports.size(), MAX_PORTS);
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            EndpointPort p = ports.get(i);
            String path = "ports[" + i + "]";
            if (!p.getName().isEmpty()) {
                errs.invalidIf(path + ".name", p.getName(), Names.dns1123LabelError(p.getName()));
            }
            if (!names.add(p.getName())) {
                errs.duplicate(path + ".name", p.getName());
            }
            if (!p.hasProtocol()) {
                errs.required(path + ".protocol");
            } else if (!PROTOCOLS.contains(p.getProtocol())) {
                errs.notSupported(path + ".protocol", p.getProtocol(), PROTOCOLS);
            }
            if (p.hasAppProtocol()) {
                errs.invalidIf(path + ".appProtocol", p.getAppProtocol(), Names.qualifiedNameError(p.getAppProtocol()));
            }
        }
    }
}
