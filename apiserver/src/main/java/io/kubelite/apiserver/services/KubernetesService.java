package io.kubelite.apiserver.services;

import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointPort;
import io.kubelite.api.EndpointSubset;
import io.kubelite.api.Endpoints;
import io.kubelite.api.IntOrString;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.apiserver.KindRules;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} Service in {@code default} (kube's {@code controlplane} reconciler):
 * ClusterIP the first address of the service range, port 443 ({@code https}) to the API
 * server's port, and its Endpoints listing this replica's address. Created when missing; an
 * Endpoints that lacks this replica gets it added (each replica adds itself, so a cluster of
 * replicas lists them all; a replica that is gone stays listed, as with kube's {@code none}
 * reconciler).
 */
public final class KubernetesService {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesService.class);
    public static final String NAMESPACE = "default";
    public static final String NAME = "kubernetes";

    private final Store store;
    private final ServiceWrites writes;
    private final String address;
    private final int port;

    /** {@code address}:{@code port} is where this replica serves (a wildcard bind is told as loopback). */
    public KubernetesService(Store store, ServiceWrites writes, String address, int port) {
        this.store = store;
        this.writes = writes;
        this.address = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
        this.port = port;
    }

    /** Ensures the Service and this replica's endpoint; never fails (problems are logged). */
    public CompletableFuture<Void> reconcile() {
        return service().thenCompose(v -> endpoints()).exceptionally(err -> {
            LOG.warn("could not reconcile service {}/{}: {}", NAMESPACE, NAME, err.toString());
            return null;
        });
    }

    private CompletableFuture<Void> service() {
        ObjectStore<Service> services = store.of(ServiceKind.RESOURCE);
        return services.get(NAMESPACE, NAME)
                .handle((cur, err) -> {
                    if (err == null) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (!(StoreException.unwrap(err) instanceof NotFoundException)) {
                        return CompletableFuture.<Void>failedFuture(err);
                    }
                    Service want = KindRules.prepareForCreate(ServiceKind.RESOURCE, desired(), NAMESPACE);
                    return writes.create(services, want).handle((created, e) -> {
                        if (e == null) {
                            LOG.info(
                                    "created service {}/{} with clusterIP {}",
                                    NAMESPACE,
                                    NAME,
                                    created.getSpec().getClusterIp());
                        } else if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                            LOG.warn("could not create service {}/{}: {}", NAMESPACE, NAME, e.getMessage());
                        }
                        return (Void) null;
                    });
                })
                .thenCompose(x -> x);
    }

    private Service desired() {
        String ip = writes.allocator().ranges().ips().first();
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(NAME)
                        .setNamespace(NAMESPACE)
                        .putLabels("component", "apiserver")
                        .putLabels("provider", "kubernetes"))
                .setSpec(ServiceSpec.newBuilder()
                        .setType("ClusterIP")
                        .setClusterIp(ip)
                        .addClusterIps(ip)
                        .addPorts(ServicePort.newBuilder()
                                .setName("https")
                                .setPort(443)
                                .setProtocol("TCP")
                                .setTargetPort(IntOrString.of(port))))
                .build();
    }

    private CompletableFuture<Void> endpoints() {
        ObjectStore<Endpoints> eps = store.of(EndpointsKind.RESOURCE);
        EndpointSubset mine = EndpointSubset.newBuilder()
                .addAddresses(EndpointAddress.newBuilder().setIp(address))
                .addPorts(
                        EndpointPort.newBuilder().setName("https").setPort(port).setProtocol("TCP"))
                .build();
        return eps.get(NAMESPACE, NAME)
                .handle((cur, err) -> {
                    if (err == null) {
                        if (cur.getSubsetsList().contains(mine)) {
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        return eps.guaranteedUpdate(
                                        NAMESPACE,
                                        NAME,
                                        e -> e.getSubsetsList().contains(mine)
                                                ? e
                                                : e.toBuilder().addSubsets(mine).build())
                                .thenAccept(
                                        e -> LOG.info("endpoints {}/{} list {}:{}", NAMESPACE, NAME, address, port));
                    }
                    if (!(StoreException.unwrap(err) instanceof NotFoundException)) {
                        return CompletableFuture.<Void>failedFuture(err);
                    }
                    Endpoints e = Endpoints.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setName(NAME)
                                    .setNamespace(NAMESPACE)
                                    .putLabels("endpointslice.kubernetes.io/skip-mirror", "true"))
                            .addSubsets(mine)
                            .build();
                    return eps.create(e).handle((x, e2) -> {
                        if (e2 != null && !(StoreException.unwrap(e2) instanceof AlreadyExistsException)) {
                            LOG.warn("could not create endpoints {}/{}: {}", NAMESPACE, NAME, e2.getMessage());
                        }
                        return (Void) null;
                    });
                })
                .thenCompose(x -> x);
    }
}
