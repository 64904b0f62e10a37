package io.kubelite.proxy;

import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One port of one Service as kube-proxy programs it: VIP, port, node port, traffic policies,
 * session affinity and the endpoints gathered from the Service's EndpointSlices for that port.
 *
 * <p>{@link #name()} is kube's ServicePortName string ({@code ns/svc:port}, or {@code ns/svc}
 * for an unnamed port), which also feeds the chain hashes.
 */
public record ServicePortInfo(
        String name,
        String protocol,
        String clusterIp,
        int port,
        int nodePort,
        boolean externalPolicyLocal,
        boolean internalPolicyLocal,
        boolean clientIpAffinity,
        int stickyMaxAgeSeconds,
        List<EndpointInfo> endpoints) {

    /** kube's default ClientIP affinity timeout (v1.DefaultClientIPServiceAffinitySeconds). */
    public static final int DEFAULT_STICKY_SECONDS = 10800;

    /** The label EndpointSlices carry naming their Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public ServicePortInfo {
        endpoints = List.copyOf(endpoints);
    }

    /** Lower-case protocol as kube uses it in {@code -p}/{@code -m} and hashes. */
    public String lowerProtocol() {
        return protocol.toLowerCase(Locale.ROOT);
    }

    /** Reachable from outside the cluster (here: a node port; no external or LB IPs yet). */
    public boolean externallyAccessible() {
        return nodePort != 0;
    }

    /** kube's ExternalPolicyLocal: only meaningful when externally accessible. */
    public boolean usesExternalLocal() {
        return externallyAccessible() && externalPolicyLocal;
    }

    /** kube's UsesClusterEndpoints. */
    public boolean usesClusterEndpoints() {
        return !internalPolicyLocal || (externallyAccessible() && !externalPolicyLocal);
    }

    /** kube's UsesLocalEndpoints. */
    public boolean usesLocalEndpoints() {
        return internalPolicyLocal || usesExternalLocal();
    }

    /**
     * The ports kube-proxy programs for {@code service}: none for headless ({@code None} or no
     * cluster IP) and ExternalName services. Endpoints come from {@code slices} of this service
     * (by the service-name label), IPv4 only, matched by port name and protocol, deduplicated by
     * {@code ip:port} and sorted by it as kube's endpoint slice cache does.
     */
    public static List<ServicePortInfo> of(Service service, List<EndpointSlice> slices) {
        var spec = service.getSpec();
        String ip = spec.getClusterIp();
        if (ip.isEmpty() || ip.equals("None") || spec.getType().equals("ExternalName")) {
            return List.of();
        }
        String ns = service.getMetadata().getNamespace();
        String svc = service.getMetadata().getName();
        List<ServicePortInfo> out = new ArrayList<>();
        for (ServicePort sp : spec.getPortsList()) {
            String protocol = sp.getProtocol().isEmpty() ? "TCP" : sp.getProtocol();
            String name = ns + "/" + svc + (sp.getName().isEmpty() ? "" : ":" + sp.getName());
            out.add(new ServicePortInfo(
                    name,
                    protocol,
                    ip,
                    sp.getPort(),
                    sp.getNodePort(),
                    "Local".equals(spec.getExternalTrafficPolicy()),
                    "Local".equals(spec.getInternalTrafficPolicy()),
                    "ClientIP".equals(spec.getSessionAffinity()),
                    DEFAULT_STICKY_SECONDS,
                    endpointsFor(svc, sp.getName(), protocol, slices)));
        }
        return out;
    }

    private static List<EndpointInfo> endpointsFor(
            String svc, String portName, String protocol, List<EndpointSlice> slices) {
        Map<String, EndpointInfo> byAddress = new LinkedHashMap<>();
        for (EndpointSlice slice : slices) {
            if (!svc.equals(slice.getMetadata().getLabelsMap().get(SERVICE_NAME_LABEL))
                    || !"IPv4".equals(slice.getAddressType())) {
                continue;
            }
            for (EndpointPort p : slice.getPortsList()) {
                String pProtocol = p.hasProtocol() ? p.getProtocol() : "TCP";
                if (!p.getName().equals(portName) || !pProtocol.equals(protocol) || !p.hasPort()) {
                    continue;
                }
                for (Endpoint e : slice.getEndpointsList()) {
                    if (e.getAddressesCount() == 0) {
                        continue;
                    }
                    var c = e.getConditions();
                    boolean ready = !c.hasReady() || c.getReady();
                    boolean serving = c.hasServing() ? c.getServing() : ready;
                    boolean terminating = c.hasTerminating() && c.getTerminating();
                    // kube uses only the first address of an endpoint
                    var info = new EndpointInfo(
                            e.getAddresses(0), p.getPort(), e.getNodeName(), ready, serving, terminating);
                    byAddress.putIfAbsent(info.toString(), info);
                }
            }
        }
        List<EndpointInfo> out = new ArrayList<>(byAddress.values());
        out.sort(Comparator.comparing(EndpointInfo::toString));
        return out;
    }
}
