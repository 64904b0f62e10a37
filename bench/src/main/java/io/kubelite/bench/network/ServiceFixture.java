package io.kubelite.bench.network;

import com.google.protobuf.Value;
import io.kubelite.api.Node;
import io.kubelite.api.NodeSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.controllers.util.TriggerTimeTracker;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The cluster the benchmark measures, written straight into etcd through the store: N Nodes,
 * S ClusterIP Services in 10 namespaces (even ones with one named port, odd ones with two) and
 * one EndpointSlice per Service with E ready endpoints spread round-robin over the nodes,
 * shaped as the EndpointSlice controller writes them (managed-by and service-name labels, the
 * Service as controlling owner, pod targetRefs, the trigger-time annotation).
 *
 * <p>{@link #flip} toggles one endpoint's readiness the way the controller would after a pod's
 * Ready transition, and says which {@code --to-destination} text kube-proxy must then show
 * or drop.
 */
final class ServiceFixture {
    static final int NAMESPACES = 10;
    private static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    private static final String CONTROLLER = "endpointslice-controller.k8s.io";

    /** One endpoint change: the DNAT target text and whether the rules must now contain it. */
    record Change(List<String> destinations, boolean present) {}

    private final int nodes;
    private final int services;
    private final int endpointsPerService;
    private final ObjectStore<Node> nodeStore;
    private final ObjectStore<Service> serviceStore;
    private final ObjectStore<EndpointSlice> sliceStore;
    /** The latest stored version of each Service's slice (the benchmark is its only writer). */
    private final EndpointSlice[] slices;

    ServiceFixture(Store store, int nodes, int services, int endpointsPerService) {
        this.nodes = nodes;
        this.services = services;
        this.endpointsPerService = endpointsPerService;
        this.nodeStore = store.of(NodeKind.RESOURCE);
        this.serviceStore = store.of(ServiceKind.RESOURCE);
        this.sliceStore = store.of(EndpointSliceKind.RESOURCE);
        this.slices = new EndpointSlice[services];
    }

    static String namespace(int svc) {
        return "bench-" + (svc % NAMESPACES);
    }

    static String serviceName(int svc) {
        return "svc-" + svc;
    }

    static String nodeName(int n) {
        return String.format("node-%03d", n);
    }

    static int ports(int svc) {
        return svc % 2 == 0 ? 1 : 2;
    }

    static String clusterIp(int svc) {
        return "10.96." + (svc / 200) + "." + (svc % 200 + 10);
    }

    private String podIp(int svc, int ep) {
        int j = svc * endpointsPerService + ep;
        return "10.244." + (j / 250) + "." + (j % 250 + 1);
    }

    /** Writes every object, {@code inflight} creates at a time; returns when all are stored. */
    void write(int inflight) throws Exception {
        Semaphore slots = new Semaphore(inflight);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            Node node = node(n);
            all.add(bounded(slots, () -> nodeStore.create(node)));
        }
        List<CompletableFuture<Service>> created = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            Service svc = service(s);
            CompletableFuture<Service> f = bounded(slots, () -> serviceStore.create(svc));
            created.add(f);
            all.add(f);
        }
        for (int s = 0; s < services; s++) {
            Service stored = created.get(s).get(60, TimeUnit.SECONDS);
            int i = s;
            all.add(bounded(slots, () -> sliceStore.create(slice(i, stored))).thenAccept(sl -> slices[i] = sl));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }

    private static <T> CompletableFuture<T> bounded(Semaphore slots, Supplier<CompletableFuture<T>> op)
            throws InterruptedException {
        slots.acquire();
        return op.get().whenComplete((r, e) -> slots.release());
    }

    private Node node(int n) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(nodeName(n))
                        .putLabels("kubernetes.io/hostname", nodeName(n))
                        .putLabels("kubernetes.io/os", "linux"))
                .setSpec(NodeSpec.newBuilder().setPodCidr("10.244." + n + ".0/24"))
                .build();
    }

    private Service service(int s) {
        ServiceSpec.Builder spec = ServiceSpec.newBuilder()
                .setType("ClusterIP")
                .setClusterIp(clusterIp(s))
                .addClusterIps(clusterIp(s))
                .setSessionAffinity("None")
                .setInternalTrafficPolicy("Cluster")
                .putSelector("app", serviceName(s));
        spec.addPorts(port("http", 80, 8080));
        if (ports(s) == 2) {
            spec.addPorts(port("https", 443, 8443));
        }
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace(s))
                        .setName(serviceName(s))
                        .putLabels("app", serviceName(s)))
                .setSpec(spec)
                .build();
    }

    private static ServicePort port(String name, int port, int target) {
        return ServicePort.newBuilder()
                .setName(name)
                .setProtocol("TCP")
                .setPort(port)
                .setTargetPort(Value.newBuilder().setNumberValue(target))
                .build();
    }

    private EndpointSlice slice(int s, Service svc) {
        EndpointSlice.Builder b = EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace(s))
                        .setName(serviceName(s) + "-" + suffix(s))
                        .setGeneration(1)
                        .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, serviceName(s))
                        .putLabels(MANAGED_BY, CONTROLLER)
                        .putLabels("app", serviceName(s))
                        .putAnnotations(TriggerTimeTracker.ANNOTATION, TriggerTimeTracker.format(Instant.now()))
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("v1")
                                .setKind("Service")
                                .setName(serviceName(s))
                                .setUid(svc.getMetadata().getUid())
                                .setController(true)
                                .setBlockOwnerDeletion(true)))
                .setAddressType("IPv4")
                .addPorts(EndpointPort.newBuilder()
                        .setName("http")
                        .setProtocol("TCP")
                        .setPort(8080));
        if (ports(s) == 2) {
            b.addPorts(EndpointPort.newBuilder()
                    .setName("https")
                    .setProtocol("TCP")
                    .setPort(8443));
        }
        for (int e = 0; e < endpointsPerService; e++) {
            int j = s * endpointsPerService + e;
            b.addEndpoints(Endpoint.newBuilder()
                    .addAddresses(podIp(s, e))
                    .setConditions(conditions(true))
                    .setTargetRef(ObjectReference.newBuilder()
                            .setKind("Pod")
                            .setNamespace(namespace(s))
                            .setName(serviceName(s) + "-pod-" + e)
                            .setUid(String.format("00000000-0000-0000-0000-%012d", j)))
                    .setNodeName(nodeName(j % nodes)));
        }
        return b.build();
    }

    private static EndpointConditions conditions(boolean ready) {
        // a pod that is not Ready is neither ready nor serving (kube's podToEndpoint)
        return EndpointConditions.newBuilder()
                .setReady(ready)
                .setServing(ready)
                .setTerminating(false)
                .build();
    }

    /** A stable 5-character suffix, as generateName would give (base 36 of the index). */
    private static String suffix(int s) {
        String v = Integer.toString(s * 7919 + 12345, 36);
        return ("00000" + v).substring(v.length());
    }

    /** What toggling endpoint {@code ep} of Service {@code svc} will do to the rules, before it is written. */
    Change plan(int svc, int ep) {
        boolean ready = !slices[svc].getEndpoints(ep).getConditions().getReady();
        List<String> dests = new ArrayList<>();
        dests.add(podIp(svc, ep) + ":8080");
        if (ports(svc) == 2) {
            dests.add(podIp(svc, ep) + ":8443");
        }
        return new Change(dests, ready);
    }

    /** Toggles the readiness of endpoint {@code ep} of Service {@code svc}, stamping the trigger time. */
    void flip(int svc, int ep) throws Exception {
        EndpointSlice old = slices[svc];
        Endpoint e = old.getEndpoints(ep);
        boolean ready = !e.getConditions().getReady();
        EndpointSlice.Builder b = old.toBuilder();
        b.setEndpoints(ep, e.toBuilder().setConditions(conditions(ready)));
        b.getMetadataBuilder().putAnnotations(TriggerTimeTracker.ANNOTATION, TriggerTimeTracker.format(Instant.now()));
        slices[svc] = sliceStore.update(b.build()).get(30, TimeUnit.SECONDS);
    }
}
