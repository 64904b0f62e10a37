package io.kubelite.store;

import com.google.protobuf.Message;
import io.kubelite.api.Endpoints;
import io.kubelite.api.Event;
import io.kubelite.api.Lease;
import io.kubelite.api.Namespace;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceAccount;

import java.util.List;
import java.util.Optional;

/** The resources kubelite serves. Immutable. */
public final class Resources {
    public static final Resource<Pod> PODS =
            new Resource<>("", "v1", "Pod", "pods", true, Pod.getDefaultInstance(), List.of("po"));
    public static final Resource<Node> NODES =
            new Resource<>("", "v1", "Node", "nodes", false, Node.getDefaultInstance(), List.of("no"));
    public static final Resource<Namespace> NAMESPACES =
            new Resource<>("", "v1", "Namespace", "namespaces", false, Namespace.getDefaultInstance(), List.of("ns"));
    public static final Resource<Service> SERVICES =
            new Resource<>("", "v1", "Service", "services", true, Service.getDefaultInstance(), List.of("svc"));
    public static final Resource<Endpoints> ENDPOINTS =
            new Resource<>("", "v1", "Endpoints", "endpoints", true, Endpoints.getDefaultInstance(), List.of("ep"));
    public static final Resource<ServiceAccount> SERVICE_ACCOUNTS =
            new Resource<>("", "v1", "ServiceAccount", "serviceaccounts", true, ServiceAccount.getDefaultInstance(), List.of("sa"));
    public static final Resource<Secret> SECRETS =
            new Resource<>("", "v1", "Secret", "secrets", true, Secret.getDefaultInstance(), List.of());
    public static final Resource<Event> EVENTS =
            new Resource<>("", "v1", "Event", "events", true, Event.getDefaultInstance(), List.of("ev"));
    public static final Resource<ReplicaSet> REPLICA_SETS =
            new Resource<>("apps", "v1", "ReplicaSet", "replicasets", true, ReplicaSet.getDefaultInstance(), List.of("rs"));
    public static final Resource<Lease> LEASES =
            new Resource<>("coordination.k8s.io", "v1", "Lease", "leases", true, Lease.getDefaultInstance(), List.of());

    private static final List<Resource<? extends Message>> ALL = List.of(
            PODS, NODES, NAMESPACES, SERVICES, ENDPOINTS, SERVICE_ACCOUNTS, SECRETS, EVENTS, REPLICA_SETS, LEASES);

    private Resources() {
    }

    public static List<Resource<? extends Message>> all() {
        return ALL;
    }

    /** Looks a resource up by plural name ({@code pods}), singular kind ({@code Pod}) or short name ({@code po}). */
    public static Optional<Resource<? extends Message>> find(String name) {
        for (Resource<? extends Message> r : ALL) {
            if (r.plural().equals(name) || r.kind().equalsIgnoreCase(name) || r.shortNames().contains(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static Optional<Resource<? extends Message>> byKind(String apiVersion, String kind) {
        for (Resource<? extends Message> r : ALL) {
            if (r.kind().equals(kind) && r.apiVersion().equals(apiVersion)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
