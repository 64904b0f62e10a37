package io.kubelite.controllers.util;

import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.Pod;
import io.kubelite.api.PodIP;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which pods back a Service and on which ports, as kube's endpoint utilities decide it
 * ({@code ShouldPodBeInEndpoints}, {@code FindPort}, {@code ShouldSetHostname}): the one
 * definition the Endpoints and EndpointSlice controllers share, so both publish the same pods
 * from the same data.
 */
public final class EndpointPods {
    private EndpointPods() {}

    /**
     * A Service's selector: every pair must match; a Service without one selects no pod (its
     * endpoints are the user's). Mirror pods count as any pod, as in kube (the kube-dns Service
     * selects the DNS process's mirror pod). They cannot back a user's Service by accident: a
     * Service selects pods of its own namespace only, and mirror pods live in
     * {@code kube-system} with kubelite's labels ({@code component}, {@code tier},
     * {@code k8s-app}), so only a selector naming those picks them.
     */
    public static boolean selects(Map<String, String> selector, Pod p) {
        return !selector.isEmpty()
                && Selector.ofMap(selector).matches(p.getMetadata().getLabelsMap());
    }

    /**
     * kube's {@code ShouldPodBeInEndpoints}: not terminal, has an IP, and not terminating unless
     * {@code includeTerminating} (the EndpointSlice controller always includes them; the Endpoints
     * controller only with {@code publishNotReadyAddresses}).
     */
    public static boolean shouldBeInEndpoints(Pod p, boolean includeTerminating) {
        if (Pods.isTerminal(p) || ips(p).isEmpty()) {
            return false;
        }
        return includeTerminating || !Pods.isTerminating(p);
    }

    /** The pod's IPs: {@code status.podIPs}, else {@code status.podIP}. */
    public static List<String> ips(Pod p) {
        List<String> out = new ArrayList<>();
        for (PodIP ip : p.getStatus().getPodIpsList()) {
            if (!ip.getIp().isEmpty()) {
                out.add(ip.getIp());
            }
        }
        if (out.isEmpty() && !p.getStatus().getPodIp().isEmpty()) {
            out.add(p.getStatus().getPodIp());
        }
        return out;
    }

    /** A service port's protocol, TCP when unset (the API server's default). */
    public static String protocol(ServicePort sp) {
        return sp.getProtocol().isEmpty() ? "TCP" : sp.getProtocol();
    }

    /**
     * kube's {@code FindPort}: the pod's port for a service port. A named {@code targetPort}
     * resolves through the ports of that name and protocol of the pod's containers (and sidecar
     * init containers), so pods of different templates may answer on different numbers; a
     * numeric one is taken as is; an unset one is the service port. Empty when the pod has no
     * port of that name.
     */
    public static OptionalInt findPort(Pod p, ServicePort sp) {
        Value tp = sp.getTargetPort();
        if (tp.hasStringValue()) {
            String name = tp.getStringValue();
            String proto = protocol(sp);
            for (Container c : p.getSpec().getContainersList()) {
                OptionalInt found = named(c, name, proto);
                if (found.isPresent()) {
                    return found;
                }
            }
            for (Container c : p.getSpec().getInitContainersList()) {
                if (c.getRestartPolicy().equals("Always")) {
                    OptionalInt found = named(c, name, proto);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            try {
                return OptionalInt.of(Integer.parseInt(name)); // a number sent as a string
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        if (tp.hasNumberValue() && tp.getNumberValue() > 0) {
            return OptionalInt.of((int) tp.getNumberValue());
        }
        return OptionalInt.of(sp.getPort());
    }

    private static OptionalInt named(Container c, String name, String proto) {
        for (ContainerPort cp : c.getPortsList()) {
            String cproto = cp.getProtocol().isEmpty() ? "TCP" : cp.getProtocol();
            if (cp.getName().equals(name) && cproto.equals(proto)) {
                return OptionalInt.of(cp.getContainerPort());
            }
        }
        return OptionalInt.empty();
    }

    /** kube's {@code ShouldSetHostname}: the pod names a hostname and this Service as its subdomain. */
    public static boolean shouldSetHostname(Pod p, Service svc) {
        return !p.getSpec().getHostname().isEmpty()
                && p.getSpec().getSubdomain().equals(svc.getMetadata().getName())
                && p.getMetadata().getNamespace().equals(svc.getMetadata().getNamespace());
    }

    /**
     * A headless Service: cluster IP {@code None}. kube tests {@code !IsServiceIPSet}, which also
     * counts an empty cluster IP; its API server never stores one, but a Service written before
     * kubelite allocated cluster IPs may have none, and is not headless for that.
     */
    public static boolean isHeadless(Service svc) {
        return svc.getSpec().getClusterIp().equals("None");
    }

    /** kube's {@code IsServiceIPSet}: a cluster IP that is neither empty nor {@code None}. */
    public static boolean isServiceIpSet(Service svc) {
        String ip = svc.getSpec().getClusterIp();
        return !ip.isEmpty() && !ip.equals("None");
    }
}
