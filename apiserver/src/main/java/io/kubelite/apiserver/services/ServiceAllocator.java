package io.kubelite.apiserver.services;

import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.apiserver.ApiException;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Services their ClusterIP and node ports (kube's {@code storage/alloc.go}), holding each
 * in a {@link Reservations} key before the Service is written. The protocol, for a create or an
 * update from {@code old} to {@code next}:
 *
 * <ol>
 *   <li>{@link #allocate}: take every address {@code next} has that {@code old} had not (explicit
 *       ones as given, missing ones at random from the range), fill them in;
 *   <li>write the Service with its usual compare;
 *   <li>on success {@link #commit}: free what {@code old} had and {@code next} has not; on failure
 *       {@link #rollback}: free what step 1 took.
 * </ol>
 *
 * A crash between 1 and 3 leaves a reservation whose Service does not hold it; {@link ServiceRepair}
 * frees those. No step relies on memory: two replicas allocating at once are ordered by etcd.
 */
public final class ServiceAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAllocator.class);

    /** What {@link #allocate} did: the filled-in Service, the keys it took, the keys to free on commit. */
    public record Allocation(Service service, String owner, List<String> taken, List<String> freed) {}

    private final Reservations reservations;
    private final ServiceRanges ranges;

    public ServiceAllocator(Reservations reservations, ServiceRanges ranges) {
        this.reservations = reservations;
        this.ranges = ranges;
    }

    public ServiceRanges ranges() {
        return ranges;
    }

    public Reservations reservations() {
        return reservations;
    }

    /** The owner a Service's reservations are held by: {@code namespace/name/uid}. */
    public static String owner(Service s) {
        var m = s.getMetadata();
        return m.getNamespace() + "/" + m.getName() + "/" + m.getUid();
    }

    /** The ClusterIP a Service holds, or null (none, headless, ExternalName). */
    public static String heldIp(Service s) {
        String ip = s.getSpec().getClusterIp();
        return ip.isEmpty() || ip.equals("None") ? null : ip;
    }

    /** The node ports a Service holds (a port used by two protocols counts once). */
    public static Set<Integer> heldPorts(Service s) {
        Set<Integer> out = new HashSet<>();
        for (ServicePort p : s.getSpec().getPortsList()) {
            if (p.getNodePort() > 0) {
                out.add(p.getNodePort());
            }
        }
        return out;
    }

    /**
     * Takes what {@code next} needs beyond what {@code old} (null on create) held. Fails with a
     * 422 {@link ApiException} in kube's words when an explicit address is taken or out of range,
     * having freed whatever it took.
     */
    public CompletableFuture<Allocation> allocate(Service old, Service next) {
        Attempt a = new Attempt(old, next);
        return a.run().handle((v, err) -> a).thenCompose(x -> {
            if (a.failure == null && a.errs.isEmpty()) {
                return CompletableFuture.completedFuture(a.result());
            }
            Allocation partial = a.result();
            return rollback(partial).handle((v, e) -> {
                if (a.failure != null) {
                    throw a.failure instanceof RuntimeException re ? re : new RuntimeException(a.failure);
                }
                throw ApiException.invalid(
                        ServiceKind.RESOURCE, next.getMetadata().getName(), a.errs);
            });
        });
    }

    /** Frees what {@link #allocate} took (the Service write failed). */
    public CompletableFuture<Void> rollback(Allocation a) {
        return releaseAll(a.taken(), a.owner());
    }

    /** Frees what the old Service held and the written one does not (the write succeeded). */
    public CompletableFuture<Void> commit(Allocation a) {
        return releaseAll(a.freed(), a.owner());
    }

    /** Frees everything a deleted Service held. */
    public CompletableFuture<Void> released(Service deleted) {
        List<String> keys = new ArrayList<>();
        String ip = heldIp(deleted);
        if (ip != null) {
            keys.add(reservations.ipKey(ip));
        }
        for (int p : heldPorts(deleted)) {
            keys.add(reservations.portKey(p));
        }
        return releaseAll(keys, owner(deleted));
    }

    private CompletableFuture<Void> releaseAll(List<String> keys, String owner) {
        return CompletableFuture.allOf(keys.stream()
                        .map(k -> reservations.release(k, owner).whenComplete((freed, err) -> {
                            if (err != null) {
                                LOG.warn(
                                        "could not free {} of {} (the repair loop will): {}", k, owner, err.toString());
                            }
                        }))
                        .toArray(CompletableFuture[]::new))
                .exceptionally(err -> null);
    }

    /** One allocation's state: steps run one after another, each may add a field error. */
    private final class Attempt {
        final Service old;
        final Service.Builder b;
        final String owner;
        final List<String> taken = new ArrayList<>();
        final List<String> freed = new ArrayList<>();
        final List<FieldError> errs = new ArrayList<>();
        Throwable failure;

        final AddressPicker picker;

        Attempt(Service old, Service next) {
            this.old = old;
            this.b = next.toBuilder();
            this.owner = owner(next);
            this.picker = new AddressPicker(reservations, owner, taken);
        }

        Allocation result() {
            return new Allocation(b.build(), owner, List.copyOf(taken), List.copyOf(freed));
        }

        CompletableFuture<Void> run() {
            return clusterIp().thenCompose(v -> nodePorts(0)).whenComplete((v, err) -> {
                if (err != null) {
                    failure = err instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : err;
                }
            });
        }

        private CompletableFuture<Void> clusterIp() {
            ServiceSpec.Builder spec = b.getSpecBuilder();
            String oldIp = old == null ? null : heldIp(old);
            String ip = spec.getClusterIp();
            boolean wants = !spec.getType().equals("ExternalName") && !ip.equals("None");
            if (oldIp != null && !oldIp.equals(ip)) {
                freed.add(reservations.ipKey(oldIp));
            }
            if (!wants || (oldIp != null && oldIp.equals(ip))) {
                return done();
            }
            if (ip.isEmpty()) {
                return picker.pick(ipPool()).thenAccept(got -> {
                    spec.setClusterIp(got).clearClusterIps().addClusterIps(got);
                });
            }
            long n = ServiceCidr.parseIp(ip);
            if (n < 0) {
                return done(); // validation reports a malformed address
            }
            if (!ranges.ips().contains(n)) {
                ipError(
                        ip,
                        "the provided IP (" + ip + ") is not in the valid range. The range of valid IPs is "
                                + ranges.ips());
                return done();
            }
            String key = reservations.ipKey(ip);
            return reservations.take(key, owner).thenAccept(ok -> {
                if (ok) {
                    taken.add(key);
                    if (spec.getClusterIpsCount() == 0) {
                        spec.addClusterIps(ip);
                    }
                } else {
                    ipError(ip, "provided IP is already allocated");
                }
            });
        }

        private void ipError(String ip, String detail) {
            errs.add(new FieldError(
                    "FieldValueInvalid",
                    "Invalid value: []string{\"" + ip + "\"}: failed to allocate IP " + ip + ": " + detail,
                    "spec.clusterIPs"));
        }

        private CompletableFuture<Void> nodePorts(int i) {
            ServiceSpec.Builder spec = b.getSpecBuilder();
            if (i == 0) {
                Set<Integer> keep = wantsNodePorts(spec) ? explicitPorts(spec) : Set.of();
                if (old != null) {
                    for (int p : heldPorts(old)) {
                        if (!keep.contains(p) && !reusable(spec).contains(p)) {
                            freed.add(reservations.portKey(p));
                        }
                    }
                }
            }
            if (i >= spec.getPortsCount()) {
                return done();
            }
            if (!wantsNodePorts(spec)) {
                if (spec.getPorts(i).getNodePort() != 0) {
                    spec.setPorts(i, spec.getPorts(i).toBuilder().setNodePort(0));
                }
                return nodePorts(i + 1);
            }
            ServicePort p = spec.getPorts(i);
            String path = "spec.ports[" + i + "].nodePort";
            Set<Integer> oldHeld = old == null ? Set.of() : heldPorts(old);
            if (p.getNodePort() == 0) {
                Integer reuse = sharedNodePort(spec, i);
                if (reuse == null && old != null) {
                    reuse = oldNodePort(p);
                }
                if (reuse != null) {
                    spec.setPorts(i, p.toBuilder().setNodePort(reuse));
                    return nodePorts(i + 1);
                }
                if (spec.getType().equals("LoadBalancer")
                        && spec.hasAllocateLoadBalancerNodePorts()
                        && !spec.getAllocateLoadBalancerNodePorts()) {
                    return nodePorts(i + 1); // only the node ports given explicitly
                }
                return picker.pick(portPool()).thenCompose(got -> {
                    spec.setPorts(i, p.toBuilder().setNodePort(Integer.parseInt(got)));
                    return nodePorts(i + 1);
                });
            }
            int np = p.getNodePort();
            if (oldHeld.contains(np) || earlierUse(spec, i, np)) {
                return nodePorts(i + 1);
            }
            if (!ranges.nodePorts().contains(np)) {
                FieldErrors fe = new FieldErrors();
                fe.invalid(
                        path,
                        np,
                        "provided port is not in the valid range. The range of valid ports is " + ranges.nodePorts());
                errs.addAll(fe.list());
                return nodePorts(i + 1);
            }
            String key = reservations.portKey(np);
            return reservations.take(key, owner).thenCompose(ok -> {
                if (ok) {
                    taken.add(key);
                } else {
                    FieldErrors fe = new FieldErrors();
                    fe.invalid(path, np, "provided port is already allocated");
                    errs.addAll(fe.list());
                }
                return nodePorts(i + 1);
            });
        }

        /** Node ports the old Service held that the new one keeps implicitly (same port and protocol, unset). */
        private Set<Integer> reusable(ServiceSpec.Builder spec) {
            Set<Integer> out = new HashSet<>();
            if (old == null || !wantsNodePorts(spec)) {
                return out;
            }
            for (ServicePort p : spec.getPortsList()) {
                if (p.getNodePort() == 0) {
                    Integer r = oldNodePort(p);
                    if (r != null) {
                        out.add(r);
                    }
                }
            }
            return out;
        }

        private Integer oldNodePort(ServicePort p) {
            for (ServicePort o : old.getSpec().getPortsList()) {
                if (o.getPort() == p.getPort() && o.getProtocol().equals(p.getProtocol()) && o.getNodePort() > 0) {
                    return o.getNodePort();
                }
            }
            return null;
        }

        /** kube gives two ports with one number (say 53/TCP and 53/UDP) one node port. */
        private Integer sharedNodePort(ServiceSpec.Builder spec, int i) {
            for (int j = 0; j < i; j++) {
                if (spec.getPorts(j).getPort() == spec.getPorts(i).getPort()
                        && spec.getPorts(j).getNodePort() > 0) {
                    return spec.getPorts(j).getNodePort();
                }
            }
            return null;
        }

        private boolean earlierUse(ServiceSpec.Builder spec, int i, int np) {
            for (int j = 0; j < i; j++) {
                if (spec.getPorts(j).getNodePort() == np) {
                    return true;
                }
            }
            return false;
        }
    }

    private AddressPicker.Pool ipPool() {
        ServiceCidr c = ranges.ips();
        return new AddressPicker.Pool(
                "serviceIP", c.dynamicSize(), c::dynamic, reservations::ipKey, () -> reservations.ips(0));
    }

    private AddressPicker.Pool portPool() {
        NodePortRange r = ranges.nodePorts();
        return new AddressPicker.Pool(
                "nodePort",
                r.size(),
                i -> Integer.toString(r.base() + (int) i),
                port -> reservations.portKey(Integer.parseInt(port)),
                () -> reservations.ports(0));
    }

    /** NodePort, and LoadBalancer unless {@code allocateLoadBalancerNodePorts: false}, get node ports. */
    static boolean wantsNodePorts(ServiceSpec.Builder spec) {
        return switch (spec.getType()) {
            case "NodePort" -> true;
            case "LoadBalancer" ->
                !spec.hasAllocateLoadBalancerNodePorts()
                        || spec.getAllocateLoadBalancerNodePorts()
                        || spec.getPortsList().stream().anyMatch(p -> p.getNodePort() > 0);
            default -> false;
        };
    }

    private static Set<Integer> explicitPorts(ServiceSpec.Builder spec) {
        Set<Integer> out = new HashSet<>();
        for (ServicePort p : spec.getPortsList()) {
            if (p.getNodePort() > 0) {
                out.add(p.getNodePort());
            }
        }
        return out;
    }

    private static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
