package io.kubelite.dns;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;

/** Services and EndpointSlices as the API server and the EndpointSlice controller write them. */
final class Fixtures {
    private Fixtures() {}

    static Service clusterIp(String ns, String name, String ip, ServicePort... ports) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .setSpec(ServiceSpec.newBuilder()
                        .setType("ClusterIP")
                        .setClusterIp(ip)
                        .addClusterIps(ip)
                        .addAllPorts(java.util.List.of(ports)))
                .build();
    }

    static Service headless(String ns, String name, boolean publishNotReady, ServicePort... ports) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .setSpec(ServiceSpec.newBuilder()
                        .setType("ClusterIP")
                        .setClusterIp("None")
                        .addClusterIps("None")
                        .setPublishNotReadyAddresses(publishNotReady)
                        .addAllPorts(java.util.List.of(ports)))
                .build();
    }

    static Service externalName(String ns, String name, String target) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .setSpec(ServiceSpec.newBuilder().setType("ExternalName").setExternalName(target))
                .build();
    }

    static ServicePort port(String name, String protocol, int port) {
        return ServicePort.newBuilder()
                .setName(name)
                .setProtocol(protocol)
                .setPort(port)
                .build();
    }

    static EndpointSlice slice(String ns, String svc, String name, EndpointPort port, Endpoint... endpoints) {
        return EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(ns)
                        .setName(name)
                        .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, svc))
                .setAddressType("IPv4")
                .addPorts(port)
                .addAllEndpoints(java.util.List.of(endpoints))
                .build();
    }

    static EndpointPort slicePort(String name, String protocol, int port) {
        return EndpointPort.newBuilder()
                .setName(name)
                .setProtocol(protocol)
                .setPort(port)
                .build();
    }

    /** {@code hostname} null for none. */
    static Endpoint endpoint(String ip, String hostname, boolean ready) {
        Endpoint.Builder b = Endpoint.newBuilder()
                .addAddresses(ip)
                .setConditions(EndpointConditions.newBuilder()
                        .setReady(ready)
                        .setServing(ready)
                        .setTerminating(false));
        if (hostname != null) {
            b.setHostname(hostname);
        }
        return b.build();
    }
}
