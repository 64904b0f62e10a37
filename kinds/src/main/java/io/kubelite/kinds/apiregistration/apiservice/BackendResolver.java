package io.kubelite.kinds.apiregistration.apiservice;

import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceReference;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an APIService's backend is, read from Service and EndpointSlice caches as kube-aggregator's
 * endpoint resolver does: the Service port whose {@code port} is the APIService's,
 * then the ready endpoints of the Service's slices on the slice port of the same name (as
 * kube-proxy matches them). Loopback addresses come first: kubelite's own processes are
 * host-network pods on 127.0.0.1, and nothing is ever sent to a simulated pod IP. A failure carries
 * the reason and message kube's availability controller sets. One implementation for every
 * client of an aggregated API: the API server's proxy and availability controller read it through
 * their watch caches, the controller-manager's HPA metrics client through its informers.
 */
public final class BackendResolver {
    /** The caches the resolver reads; implementations must be thread-safe. */
    public interface Lookup {
        /** The Service {@code namespace/name}, or null. */
        Service service(String namespace, String name);

        /** The EndpointSlices of {@code namespace}. */
        List<EndpointSlice> slices(String namespace);
    }

    private final Lookup lookup;

    public BackendResolver(Lookup lookup) {
        this.lookup = lookup;
    }

    /** An address and port to send to, or why there is none ({@code reason} non-null). */
    public record Backend(String address, int port, String reason, String message) {
        public static Backend failed(String reason, String message) {
            return new Backend(null, 0, reason, message);
        }

        public boolean found() {
            return reason == null;
        }

        /** Whether kubelite may send packets there: only to its own loopback processes. */
        public boolean loopback() {
            return found() && isLoopback(address);
        }

        /** The backend's base URL as kube's messages print it. */
        public String url() {
            String host = address.contains(":") ? "[" + address + "]" : address;
            return "https://" + host + ":" + port;
        }
    }

    public Backend resolve(APIService a) {
        APIServiceReference ref = a.getSpec().getService();
        String ns = ref.getNamespace();
        String name = ref.getName();
        Service svc = lookup.service(ns, name);
        if (svc == null) {
            return Backend.failed("ServiceNotFound", "service/" + name + " in \"" + ns + "\" is not present");
        }
        ServicePort port = svc.getSpec().getPortsList().stream()
                .filter(p -> p.getPort() == ref.getPort())
                .findFirst()
                .orElse(null);
        if (port == null) {
            return Backend.failed(
                    "ServicePortError",
                    "service/" + name + " in \"" + ns + "\" is not listening on port " + ref.getPort());
        }
        return endpoint(ns, name, port.getName());
    }

    /**
     * A ready endpoint of Service {@code namespace/name} on the slice port named {@code portName}
     * (kube-proxy's match; {@code ""} is the unnamed port), a loopback one when there is one.
     * Failures: {@code EndpointsNotFound} (no slices), {@code MissingEndpoints} (no ready address on
     * that port). Shared by APIService backends and the {@code services/proxy} subresource.
     */
    public Backend endpoint(String ns, String name, String portName) {
        List<EndpointSlice> own = new ArrayList<>();
        for (EndpointSlice s : lookup.slices(ns)) {
            if (name.equals(s.getMetadata().getLabelsMap().get(EndpointSliceKind.SERVICE_NAME_LABEL))) {
                own.add(s);
            }
        }
        if (own.isEmpty()) {
            return Backend.failed(
                    "EndpointsNotFound", "cannot find endpoints for service/" + name + " in \"" + ns + "\"");
        }
        Backend first = null;
        for (EndpointSlice s : own) {
            for (EndpointPort ep : s.getPortsList()) {
                if (!ep.getName().equals(portName) || !ep.hasPort()) {
                    continue;
                }
                for (Endpoint e : s.getEndpointsList()) {
                    // kube: an unset ready condition means ready
                    if (e.getConditions().hasReady() && !e.getConditions().getReady()) {
                        continue;
                    }
                    for (String addr : e.getAddressesList()) {
                        Backend b = new Backend(addr, ep.getPort(), null, null);
                        if (b.loopback()) {
                            return b;
                        }
                        if (first == null) {
                            first = b;
                        }
                    }
                }
            }
        }
        if (first == null) {
            return Backend.failed(
                    "MissingEndpoints",
                    "endpoints for service/" + name + " in \"" + ns + "\" have no addresses with port name \""
                            + portName + "\"");
        }
        return first;
    }

    /** A literal loopback IP (127.0.0.0/8, ::1); names are never resolved. */
    public static boolean isLoopback(String address) {
        if (address == null || !(address.matches("[0-9.]+") || address.contains(":"))) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
