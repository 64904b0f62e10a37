package io.kubelite.controllers.endpointslice;

import io.kubelite.api.Node;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.Pod;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.controllers.util.EndpointPods;
import io.kubelite.controllers.util.Pods;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What one pod contributes to a Service's EndpointSlices, as kube's {@code podToEndpoint} and
 * {@code getEndpointPorts} compute it: its ports (resolved per pod, so they key the slice it
 * goes to) and its endpoint with ready/serving/terminating conditions, node, zone, hostname and
 * a reference to the pod. Pure functions.
 */
final class DesiredEndpoints {
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    /** Slices' ports in one order, so a port set has one key whatever the Service's port order. */
    static final Comparator<EndpointPort> PORT_ORDER = Comparator.comparing(EndpointPort::getName)
            .thenComparing(EndpointPort::getProtocol)
            .thenComparingInt(EndpointPort::getPort);

    private DesiredEndpoints() {}

    /**
     * The address types of the Service's slices: its {@code ipFamilies}, else the family of its
     * cluster IP. kube assumes both families for a Service with neither (a headless one before the
     * API server defaulted its families); kubelite's pods have IPv4 addresses only, so it assumes
     * IPv4 and spares every such Service an IPv6 placeholder slice.
     */
    static Set<String> addressTypes(Service svc) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : svc.getSpec().getIpFamiliesList()) {
            if (f.equals("IPv4") || f.equals("IPv6")) {
                out.add(f);
            }
        }
        if (out.isEmpty()) {
            out.add(
                    EndpointPods.isServiceIpSet(svc)
                                    && svc.getSpec().getClusterIp().contains(":")
                            ? "IPv6"
                            : "IPv4");
        }
        return out;
    }

    /** The pod's ports for the Service, in {@link #PORT_ORDER}; ports the pod lacks are left out. */
    static List<EndpointPort> ports(Service svc, Pod p) {
        List<EndpointPort> out = new ArrayList<>();
        for (ServicePort sp : svc.getSpec().getPortsList()) {
            OptionalInt port = EndpointPods.findPort(p, sp);
            if (port.isEmpty()) {
                continue;
            }
            EndpointPort.Builder b = EndpointPort.newBuilder()
                    .setName(sp.getName())
                    .setPort(port.getAsInt())
                    .setProtocol(EndpointPods.protocol(sp));
            if (!sp.getAppProtocol().isEmpty()) {
                b.setAppProtocol(sp.getAppProtocol());
            }
            out.add(b.build());
        }
        out.sort(PORT_ORDER);
        return out;
    }

    /**
     * kube's {@code podToEndpoint}: serving is the pod's Ready condition; terminating its
     * deletion; ready is serving and not terminating, or always with {@code
     * publishNotReadyAddresses}. Addresses are the pod's IPs of {@code addressType} (an endpoint
     * without any is not published).
     */
    static Endpoint endpoint(Pod p, Node node, Service svc, String addressType) {
        boolean serving = Pods.isReady(p);
        boolean terminating = Pods.isTerminating(p);
        boolean ready = svc.getSpec().getPublishNotReadyAddresses() || (serving && !terminating);
        Endpoint.Builder e = Endpoint.newBuilder()
                .setConditions(EndpointConditions.newBuilder()
                        .setReady(ready)
                        .setServing(serving)
                        .setTerminating(terminating))
                .setTargetRef(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace(p.getMetadata().getNamespace())
                        .setName(p.getMetadata().getName())
                        .setUid(p.getMetadata().getUid()));
        for (String ip : EndpointPods.ips(p)) {
            if (ip.contains(":") == addressType.equals("IPv6")) {
                e.addAddresses(ip);
            }
        }
        if (!p.getSpec().getNodeName().isEmpty()) {
            e.setNodeName(p.getSpec().getNodeName());
        }
        String zone = node == null ? "" : node.getMetadata().getLabelsOrDefault(ZONE_LABEL, "");
        if (!zone.isEmpty()) {
            e.setZone(zone);
        }
        if (EndpointPods.shouldSetHostname(p, svc)) {
            e.setHostname(p.getSpec().getHostname());
        }
        return e.build();
    }

    /**
     * kube's endpoint hash: what identifies an endpoint across syncs (its sorted addresses,
     * hostname and pod), so a change of conditions, node or zone updates it in place.
     */
    record Key(List<String> addresses, String hostname, String namespace, String name) {
        static Key of(Endpoint e) {
            List<String> a = new ArrayList<>(e.getAddressesList());
            a.sort(null);
            return new Key(
                    List.copyOf(a),
                    e.getHostname(),
                    e.getTargetRef().getNamespace(),
                    e.getTargetRef().getName());
        }
    }

    /** kube's {@code EndpointsEqualBeyondHash}: node, zone, conditions and pod reference (not its resourceVersion). */
    static boolean sameBeyondKey(Endpoint a, Endpoint b) {
        return a.hasNodeName() == b.hasNodeName()
                && a.getNodeName().equals(b.getNodeName())
                && a.hasZone() == b.hasZone()
                && a.getZone().equals(b.getZone())
                && a.getConditions().equals(b.getConditions())
                && a.hasTargetRef() == b.hasTargetRef()
                && a.getTargetRef().toBuilder()
                        .clearResourceVersion()
                        .build()
                        .equals(b.getTargetRef().toBuilder()
                                .clearResourceVersion()
                                .build());
    }
}
