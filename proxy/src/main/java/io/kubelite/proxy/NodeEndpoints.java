package io.kubelite.proxy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * The endpoints one node uses for one service port, as kube's CategorizeEndpoints splits them:
 * {@code cluster} for the Cluster policy (ready ones, or serving-and-terminating ones when none
 * is ready), {@code local} for the Local policy (this node's, with the same fallback), and
 * {@code allReachable}, the union that gets KUBE-SEP chains; {@code hasAny} says whether any
 * usable endpoint exists anywhere in the cluster (which decides REJECT versus DROP).
 */
public record NodeEndpoints(
        List<EndpointInfo> cluster, List<EndpointInfo> local, List<EndpointInfo> allReachable, boolean hasAny) {

    /** Categorizes {@code svc}'s endpoints for {@code node}. */
    public static NodeEndpoints of(ServicePortInfo svc, String node) {
        List<EndpointInfo> cluster = List.of();
        if (svc.usesClusterEndpoints()) {
            cluster = filter(svc.endpoints(), EndpointInfo::ready);
            if (cluster.isEmpty()) {
                cluster = filter(svc.endpoints(), EndpointInfo::servingTerminating);
            }
            if (!svc.usesLocalEndpoints()) {
                return new NodeEndpoints(cluster, List.of(), cluster, !cluster.isEmpty());
            }
        }
        List<EndpointInfo> local = filter(svc.endpoints(), e -> e.isLocal(node) && e.ready());
        if (local.isEmpty()) {
            local = filter(svc.endpoints(), e -> e.isLocal(node) && e.servingTerminating());
        }
        boolean hasAny = svc.endpoints().stream().anyMatch(e -> e.ready() || e.servingTerminating());
        if (!svc.usesClusterEndpoints()) {
            return new NodeEndpoints(List.of(), local, local, hasAny);
        }
        var all = new LinkedHashSet<>(cluster);
        all.addAll(local);
        return new NodeEndpoints(cluster, local, new ArrayList<>(all), hasAny);
    }

    private static List<EndpointInfo> filter(List<EndpointInfo> in, Predicate<EndpointInfo> p) {
        return in.stream().filter(p).toList();
    }
}
