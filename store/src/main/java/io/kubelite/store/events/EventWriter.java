package io.kubelite.store.events;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Event;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.Keys;
import io.kubelite.store.StoredObjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes Event objects the way docs/design.md asks: attached to an etcd lease so they expire 1 h
 * after their last write, and guarded by the writer's {@link Fence} so a deposed leader
 * cannot record. One lease is shared by the events of a 60 s window and granted for
 * 1 h + 60 s, as the Kubernetes API server does, so an event never outlives its TTL by more
 * than a minute nor expires early.
 *
 * <p>The typed {@code ObjectStore} has no lease option, so this class writes its own txns
 * (same envelope, via {@link ObjectCodec}). Thread-safe; asynchronous.
 */
public final class EventWriter {
    /** How long an Event lives after its last write. */
    public static final Duration EVENT_TTL = Duration.ofHours(1);

    private static final Duration LEASE_REUSE = Duration.ofSeconds(60);

    private record Lease(long id, long grantedNanos) {}

    private final Etcd etcd;
    private final Keys keys;
    private volatile Fence fence = Fence.NONE;
    private CompletableFuture<Lease> lease;

    public EventWriter(Etcd etcd) {
        this.etcd = etcd;
        this.keys = new Keys(etcd.prefix());
    }

    /** The fence later writes carry; set at the start of each leadership term. */
    public void setFence(Fence f) {
        this.fence = f;
    }

    /** The etcd key of {@code ev}. */
    public String key(Event ev) {
        return keys.key(
                EventKind.RESOURCE,
                ev.getMetadata().getNamespace(),
                ev.getMetadata().getName());
    }

    /**
     * One fenced, lease-attached put of {@code ev} if {@code cmp} holds: the new
     * mod_revision, or 0 when {@code cmp} or the fence failed (nothing written).
     */
    public CompletableFuture<Long> put(Event ev, Cmp cmp) {
        String key = key(ev);
        byte[] value = StoredObjects.encode(etcd, EventKind.RESOURCE, key, ev);
        List<Cmp> cmps = new ArrayList<>(fence.compares());
        cmps.add(cmp);
        return lease().thenCompose(l -> etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(cmps.toArray(Cmp[]::new))
                                .Then(Op.put(
                                        Etcd.bytes(key),
                                        ByteSequence.from(value),
                                        PutOption.builder().withLeaseId(l.id()).build()))
                                .commit()))
                .thenApply(resp -> resp.isSucceeded() ? resp.getHeader().getRevision() : 0L);
    }

    /**
     * The op that creates {@code ev} (lease-attached, only if no object has its key yet),
     * for the caller to run inside a transaction of its own: the event is then written in
     * the same commit as the change it records, and only if that change is. The caller's
     * transaction carries the fence. A nested txn, so a name collision skips the Event
     * instead of failing the caller's write.
     */
    public CompletableFuture<Op> createOp(Event ev) {
        String key = key(ev);
        byte[] value = StoredObjects.encode(etcd, EventKind.RESOURCE, key, ev);
        ByteSequence k = Etcd.bytes(key);
        return lease().thenApply(l -> Op.txn(
                new Cmp[] {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))},
                new Op[] {
                    Op.put(
                            k,
                            ByteSequence.from(value),
                            PutOption.builder().withLeaseId(l.id()).build())
                },
                new Op[0]));
    }

    /**
     * Drops the cached lease, so the next write grants a new one. For a caller whose
     * transaction carrying {@link #createOp} failed for another reason than its compares
     * (e.g. etcd lost the lease).
     */
    public synchronized void forgetLease() {
        lease = null;
    }

    private synchronized CompletableFuture<Lease> lease() {
        CompletableFuture<Lease> cur = lease;
        if (cur != null && !cur.isCompletedExceptionally()) {
            Lease l = cur.getNow(null);
            if (l == null || System.nanoTime() - l.grantedNanos() < LEASE_REUSE.toNanos()) {
                return cur;
            }
        }
        long ttl = EVENT_TTL.plus(LEASE_REUSE).toSeconds();
        long sent = System.nanoTime();
        lease = etcd.call("events-lease", () -> etcd.client().getLeaseClient().grant(ttl))
                .thenApply(r -> new Lease(r.getID(), sent));
        return lease;
    }
}
