package io.kubelite.proxy;

import com.google.protobuf.Value;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import java.util.function.UnaryOperator;

/** Services and EndpointSlices shaped like kube's proxier_test.go makeTestService/makeTestEndpointSlice. */
final class Fixtures {
    private Fixtures() {}

    static Service service(
            String ns,
            String name,
            String clusterIp,
            int port,
            int nodePort,
            UnaryOperator<ServiceSpec.Builder> tweak) {
        var spec = ServiceSpec.newBuilder()
                .setClusterIp(clusterIp)
                .setType(nodePort == 0 ? "ClusterIP" : "NodePort")
                .addPorts(ServicePort.newBuilder()
                        .setName("p" + port)
                        .setProtocol("TCP")
                        .setPort(port)
                        .setTargetPort(Value.newBuilder().setNumberValue(port))
                        .setNodePort(nodePort));
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .setSpec(tweak.apply(spec))
                .build();
    }

    static EndpointSlice slice(String ns, String svc, String portName, int port, Endpoint... eps) {
        return EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(ns)
                        .setName(svc + "-abcde")
                        .putLabels(ServicePortInfo.SERVICE_NAME_LABEL, svc))
                .setAddressType("IPv4")
                .addPorts(EndpointPort.newBuilder()
                        .setName(portName)
                        .setProtocol("TCP")
                        .setPort(port))
                .addAllEndpoints(java.util.List.of(eps))
                .build();
    }

    static Endpoint ready(String ip, String node) {
        return endpoint(ip, node, true, true, false);
    }

    static Endpoint endpoint(String ip, String node, boolean ready, boolean serving, boolean terminating) {
        return Endpoint.newBuilder()
                .addAddresses(ip)
                .setNodeName(node)
                .setConditions(EndpointConditions.newBuilder()
                        .setReady(ready)
                        .setServing(serving)
                        .setTerminating(terminating))
                .build();
    }
}
