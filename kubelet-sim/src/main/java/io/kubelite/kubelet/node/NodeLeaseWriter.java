package io.kubelite.kubelet.node;

import io.kubelite.api.Lease;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes the renewed Leases of every node this process simulates. A real kubelet renews its one
 * Lease in a request of its own; thousands of simulated nodes doing so cost etcd and this process
 * a transaction each (5,000 nodes: 500 a second, half of all etcd writes in a density run). So
 * renewals that fall due within a short linger go to etcd together, in one transaction of up to
 * {@code batchSize} updates ({@link ObjectStore#updateAll}), each still compared on its own
 * Lease's resourceVersion. Watchers see the same events, at one revision.
 *
 * <p>When such a transaction fails a compare (a Lease was changed or deleted by someone else),
 * every Lease of it is written again on its own, so the conflict reaches only its node's renewer.
 * Other failures reach every renewer of the batch, which retries at its next tick. A batch size of
 * 1 writes each renewal at once, in its own transaction, as kubelets do.
 *
 * <p>Thread-safe. {@link #close} fails renewals still waiting and refuses new ones; idempotent.
 */
public final class NodeLeaseWriter implements AutoCloseable {
    /** The longest a renewal waits for others to share its transaction. */
    static final long MAX_LINGER_MILLIS = 50;

    private final ObjectStore<Lease> leases;
    private final Timers timers;
    private final int batchSize;
    private final long lingerMillis;
    private List<Pending> pending = new ArrayList<>();
    private Timers.Cancellable flush = Timers.Cancellable.NONE;
    private boolean closed;

    private record Pending(Lease lease, CompletableFuture<Lease> done) {}

    /**
     * A writer for nodes renewing every {@code renewIntervalMillis} (real milliseconds): a renewal
     * waits at most a twentieth of that, and at most {@value #MAX_LINGER_MILLIS} ms, for company.
     */
    public static NodeLeaseWriter forRenewInterval(
            ObjectStore<Lease> leases, Timers timers, int batchSize, long renewIntervalMillis) {
        return new NodeLeaseWriter(
                leases, timers, batchSize, Math.max(1, Math.min(MAX_LINGER_MILLIS, renewIntervalMillis / 20)));
    }

    NodeLeaseWriter(ObjectStore<Lease> leases, Timers timers, int batchSize, long lingerMillis) {
        if (batchSize < 1 || batchSize > ObjectStore.MAX_BATCH) {
            throw new IllegalArgumentException(
                    "lease batch size " + batchSize + ": must be 1 to " + ObjectStore.MAX_BATCH);
        }
        this.leases = leases;
        this.timers = timers;
        this.batchSize = batchSize;
        this.lingerMillis = lingerMillis;
    }

    /** The Lease store, for what is not a renewal (the first read, a create). */
    ObjectStore<Lease> store() {
        return leases;
    }

    /** Writes {@code renewed} (an update compared on its resourceVersion); completes with the stored Lease. */
    CompletableFuture<Lease> update(Lease renewed) {
        if (batchSize == 1) {
            return leases.update(renewed);
        }
        Pending p = new Pending(renewed, new CompletableFuture<>());
        List<Pending> full = null;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("kubelet-sim is stopping"));
            }
            pending.add(p);
            if (pending.size() >= batchSize) {
                full = takePending();
            } else if (pending.size() == 1) {
                flush = timers.after(lingerMillis, this::flushDue);
            }
        }
        if (full != null) {
            write(full);
        }
        return p.done;
    }

    private void flushDue() {
        List<Pending> due;
        synchronized (this) {
            due = takePending();
        }
        if (!due.isEmpty()) {
            write(due);
        }
    }

    /** Under the lock. */
    private List<Pending> takePending() {
        List<Pending> taken = pending;
        pending = new ArrayList<>();
        flush.cancel();
        flush = Timers.Cancellable.NONE;
        return taken;
    }

    private void write(List<Pending> batch) {
        if (batch.size() == 1) {
            writeAlone(batch.get(0));
            return;
        }
        leases.updateAll(batch.stream().map(Pending::lease).toList()).whenComplete((written, err) -> {
            if (err == null) {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done.complete(written.get(i));
                }
            } else if (StoreException.unwrap(err) instanceof ConflictException) {
                batch.forEach(this::writeAlone);
            } else {
                batch.forEach(p -> p.done.completeExceptionally(err));
            }
        });
    }

    private void writeAlone(Pending p) {
        leases.update(p.lease).whenComplete((lease, err) -> {
            if (err == null) {
                p.done.complete(lease);
            } else {
                p.done.completeExceptionally(err);
            }
        });
    }

    @Override
    public void close() {
        List<Pending> left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = takePending();
        }
        left.forEach(p -> p.done.completeExceptionally(new IllegalStateException("kubelet-sim is stopping")));
    }
}
