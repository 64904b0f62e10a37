package io.kubelite.kubelet.node;

import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ConflictException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat Lease in {@code kube-node-lease}, as the kubelet's lease
 * controller keeps it: holderIdentity the node name, leaseDurationSeconds (40 s),
 * renewTime updated every renew interval (10 s) plus up to 4 % jitter, an owner
 * reference to the Node. Renewals go through the process's {@link NodeLeaseWriter} (with other
 * nodes' renewals due at the same time). Writes are asynchronous and never block a timer thread;
 * a failed renewal is retried at the next tick (after a conflict, from the current value).
 * While the node's heartbeats are stopped ({@link NodeHeartbeats}) the ticks write nothing.
 */
final class NodeLeaseRenewer {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLeaseRenewer.class);
    static final String NAMESPACE = "kube-node-lease";

    private final String nodeName;
    private final NodeLeaseWriter writer;
    private final ObjectStore<Lease> leases;
    private final Timers timers;
    private final NodeTiming timing;
    private final BooleanSupplier paused;
    private Lease last;
    private String nodeUid = "";
    private Timers.Cancellable timer = Timers.Cancellable.NONE;
    private boolean inFlight;
    private boolean stopped;

    NodeLeaseRenewer(
            String nodeName, NodeLeaseWriter writer, Timers timers, NodeTiming timing, BooleanSupplier paused) {
        this.nodeName = nodeName;
        this.paused = paused;
        this.writer = writer;
        this.leases = writer.store();
        this.timers = timers;
        this.timing = timing;
    }

    synchronized void setNodeUid(String uid) {
        this.nodeUid = uid;
    }

    /** Renews now (creating the Lease if needed), then keeps renewing. */
    CompletableFuture<Void> start() {
        return renew().thenRun(this::scheduleNext);
    }

    /** Renews at once, off the schedule (heartbeats resumed); the schedule goes on. */
    void renewNow() {
        renew();
    }

    synchronized void stop() {
        stopped = true;
        timer.cancel();
    }

    synchronized Lease lastWritten() {
        return last;
    }

    private synchronized void scheduleNext() {
        if (stopped) {
            return;
        }
        long interval = timing.scale().millis(timing.leaseRenewInterval());
        long jitter = (long) (interval * 0.04 * ThreadLocalRandom.current().nextDouble());
        timer = timers.after(interval + jitter, () -> renew().whenComplete((v, e) -> scheduleNext()));
    }

    private int durationSeconds() {
        return (int) Math.max(
                1,
                Math.ceil(timing.leaseDuration().toMillis()
                        / 1000.0
                        / timing.scale().factor()));
    }

    private CompletableFuture<Void> renew() {
        Lease base;
        synchronized (this) {
            if (stopped || inFlight || paused.getAsBoolean()) {
                return CompletableFuture.completedFuture(null);
            }
            inFlight = true;
            base = last;
        }
        CompletableFuture<Lease> f = base == null ? createOrAdopt() : update(base, 0);
        return f.handle((lease, err) -> {
            synchronized (this) {
                inFlight = false;
                if (err == null) {
                    last = lease;
                } else {
                    StoreException se = StoreException.unwrap(err);
                    if (se instanceof NotFoundException) {
                        last = null;
                    }
                    LOG.warn("node {}: lease renewal failed: {}", nodeName, err.getMessage());
                }
            }
            return null;
        });
    }

    private Lease desired(Lease base) {
        long now = timers.nowMillis();
        ObjectMeta.Builder m = base.getMetadata().toBuilder().setName(nodeName).setNamespace(NAMESPACE);
        synchronized (this) {
            if (!nodeUid.isEmpty()) {
                m.clearOwnerReferences()
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("v1")
                                .setKind("Node")
                                .setName(nodeName)
                                .setUid(nodeUid));
            }
        }
        LeaseSpec.Builder s = base.getSpec().toBuilder()
                .setHolderIdentity(nodeName)
                .setLeaseDurationSeconds(durationSeconds())
                .setRenewTime(micro(now));
        return base.toBuilder().setMetadata(m).setSpec(s).build();
    }

    private static com.google.protobuf.Timestamp micro(long millis) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(millis, 1000))
                .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
                .build();
    }

    private CompletableFuture<Lease> createOrAdopt() {
        return leases.get(NAMESPACE, nodeName)
                .thenCompose(cur -> update(cur, 0))
                .exceptionallyCompose(err -> {
                    if (StoreException.unwrap(err) instanceof NotFoundException) {
                        return leases.create(desired(Lease.getDefaultInstance()))
                                .exceptionallyCompose(e2 -> {
                                    if (StoreException.unwrap(e2) instanceof AlreadyExistsException) {
                                        return leases.get(NAMESPACE, nodeName).thenCompose(c -> update(c, 0));
                                    }
                                    return CompletableFuture.failedFuture(e2);
                                });
                    }
                    return CompletableFuture.failedFuture(err);
                });
    }

    private CompletableFuture<Lease> update(Lease base, int attempt) {
        return writer.update(desired(base)).exceptionallyCompose(err -> {
            StoreException se = StoreException.unwrap(err);
            if (se instanceof ConflictException ce && ce.current() != null && attempt < 3) {
                return update(ce.current(), attempt + 1);
            }
            return CompletableFuture.failedFuture(err);
        });
    }
}
