package io.kubelite.apiserver.services;

import io.kubelite.api.Service;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's ClusterIP and node port repair controllers in one loop: every {@code interval} it reads
 * all Services and all reservations at one etcd revision and
 *
 * <ul>
 *   <li>frees a reservation no Service holds once it has been seen unheld, unchanged, in
 *       {@code leakPasses} passes in a row (kube waits 3 passes too: a create may have taken
 *       its address and not yet written its Service), with a compare on the key's revision;
 *   <li>records an address a Service holds that no reservation names (written before
 *       allocation existed, or restored from a backup), and reports one that names another
 *       Service, in the log.
 * </ul>
 *
 * Leader-free: every API server replica runs it; each step is a compare-guarded etcd write, so
 * two replicas repairing at once do the same thing once.
 */
public final class ServiceRepair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRepair.class);

    /** What one pass did: reservations freed, addresses recorded, conflicts reported. */
    public record Pass(List<String> freed, List<String> recorded, List<String> conflicts) {}

    private final ObjectStore<Service> services;
    private final ServiceAllocator allocator;
    private final EventRecorder events;
    private final int leakPasses;
    private final Duration interval;
    private final Map<String, Integer> suspects = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private ScheduledExecutorService timer;

    /** {@code events} gets kube's repair Events on the Services concerned. */
    public ServiceRepair(
            ObjectStore<Service> services,
            ServiceAllocator allocator,
            EventRecorder events,
            Duration interval,
            int leakPasses) {
        this.services = services;
        this.allocator = allocator;
        this.events = events;
        this.interval = interval;
        this.leakPasses = leakPasses;
    }

    /** Runs a pass every interval (the first at once). */
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "service-repair");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return; // the last pass is still going
        }
        runOnce().whenComplete((p, err) -> {
            running.set(false);
            if (err != null) {
                LOG.warn("service address repair pass failed (next in {}): {}", interval, err.toString());
            }
        });
    }

    /** One pass; tests call it directly. */
    public CompletableFuture<Pass> runOnce() {
        Reservations res = allocator.reservations();
        return services.list(ListOptions.all())
                .thenCompose(list -> res.ips(list.revision())
                        .thenCombine(res.ports(list.revision()), (ips, ports) -> repair(list.items(), ips, ports)))
                .thenCompose(x -> x);
    }

    private CompletableFuture<Pass> repair(
            List<Service> all, Map<String, Reservations.Held> ips, Map<String, Reservations.Held> ports) {
        Reservations res = allocator.reservations();
        Map<String, String> wanted = new HashMap<>(); // reservation key → owner
        Map<String, String> names = new HashMap<>(); // reservation key → what, for the log
        Map<String, Service> holders = new HashMap<>(); // reservation key → the Service holding it
        for (Service s : all) {
            String owner = ServiceAllocator.owner(s);
            String ip = ServiceAllocator.heldIp(s);
            if (ip != null) {
                wanted.put(res.ipKey(ip), owner);
                names.put(res.ipKey(ip), "clusterIP " + ip);
                holders.put(res.ipKey(ip), s);
            }
            for (int p : ServiceAllocator.heldPorts(s)) {
                wanted.put(res.portKey(p), owner);
                names.put(res.portKey(p), "nodePort " + p);
                holders.put(res.portKey(p), s);
            }
        }
        Map<String, Reservations.Held> held = new HashMap<>();
        ips.forEach((ip, h) -> held.put(res.ipKey(ip), h));
        ports.forEach((port, h) -> held.put(res.portKey(Integer.parseInt(port)), h));

        List<String> freed = new ArrayList<>();
        List<String> recorded = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        List<CompletableFuture<?>> work = new ArrayList<>();
        synchronized (suspects) {
            Map<String, Integer> seen = new HashMap<>();
            held.forEach((key, h) -> {
                if (h.owner().equals(wanted.get(key))) {
                    return;
                }
                String id = key + "@" + h.modRevision();
                int n = suspects.getOrDefault(id, 0) + 1;
                seen.put(id, n);
                if (n >= leakPasses) {
                    work.add(res.releaseUnchanged(key, h.modRevision()).thenAccept(ok -> {
                        if (ok) {
                            LOG.info(
                                    "freed leaked service address {} (held by {}, no such service holds it)",
                                    key,
                                    h.owner());
                            synchronized (freed) {
                                freed.add(key);
                            }
                        }
                    }));
                }
            });
            suspects.clear();
            suspects.putAll(seen);
        }
        wanted.forEach((key, owner) -> {
            Reservations.Held h = held.get(key);
            if (h != null && h.owner().equals(owner)) {
                return;
            }
            String svc = owner.substring(0, owner.lastIndexOf('/'));
            if (h != null) {
                LOG.warn("service {} holds {}, which is allocated to {}", svc, names.get(key), h.owner());
                report(holders.get(key), key, true);
                synchronized (conflicts) {
                    conflicts.add(key);
                }
                return;
            }
            work.add(res.take(key, owner).thenAccept(ok -> {
                if (ok) {
                    LOG.warn("service {} holds {}, which was not allocated: recorded it now", svc, names.get(key));
                    report(holders.get(key), key, false);
                    synchronized (recorded) {
                        recorded.add(key);
                    }
                }
            }));
        });
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
                .thenApply(v -> new Pass(List.copyOf(freed), List.copyOf(recorded), List.copyOf(conflicts)));
    }

    /** kube's repair controllers' Events: {@code ClusterIPNotAllocated}, {@code PortAlreadyAllocated}, ... */
    private void report(Service s, String key, boolean taken) {
        boolean ip = key.startsWith(allocator.reservations().ipKey(""));
        String addr = key.substring(key.lastIndexOf('/') + 1);
        String reason = (ip ? "ClusterIP" : "Port") + (taken ? "AlreadyAllocated" : "NotAllocated");
        String what = ip ? "Cluster IP [IPv4]: " + addr : "Port " + addr;
        String message = taken
                ? what + " was assigned to multiple services; please recreate service"
                : what + " is not allocated; repairing";
        events.forComponent(ip ? "ipallocator-repair-controller" : "portallocator-repair-controller")
                .warning(EventRecorder.ref("v1", "Service", s.getMetadata()), reason, message);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
