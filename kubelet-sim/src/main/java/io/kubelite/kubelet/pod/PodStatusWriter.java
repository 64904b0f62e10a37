package io.kubelite.kubelet.pod;

import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.store.ConflictException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes pod status, coalesced per pod: a worker's changes only mark its key on a work
 * queue; the reconcile takes the worker's current snapshot and merges it into the pod
 * as etcd holds it, replacing only what the kubelet owns (phase, its conditions, IPs,
 * start time, container statuses, QoS class, reason/message) and keeping the rest
 * (PodScheduled, nominatedNodeName). The write is compare-and-swap on the revision,
 * starting from the informer's copy and retrying from the value a conflict returns.
 * After a graceful deletion, the final status is written and the pod removed with a
 * compare on its uid. Nothing is written for a pod whose node's heartbeats are stopped: the
 * node resubmits its pods when they resume.
 */
public final class PodStatusWriter implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 10;

    private final ObjectStore<Pod> pods;
    private final Informer<Pod> informer;
    private final Function<String, PodWorker> workers;
    private final WorkQueue<String> queue;

    public PodStatusWriter(
            ObjectStore<Pod> pods, Informer<Pod> informer, Function<String, PodWorker> workers, int threads) {
        this.pods = pods;
        this.informer = informer;
        this.workers = workers;
        this.queue = WorkQueue.builder("pod-status").<String>build();
        queue.start(threads, this::reconcile);
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    private Result reconcile(String key) {
        PodWorker w = workers.apply(key);
        if (w == null || w.heartbeatsStopped()) {
            return Result.done();
        }
        PodStatus mine = w.snapshot();
        Pod base = informer.get(key).orElse(null);
        if (base == null || !base.getMetadata().getUid().equals(w.uid())) {
            try {
                base = pods.get(w.namespace(), w.name()).join();
            } catch (RuntimeException e) {
                if (StoreException.unwrap(e) instanceof NotFoundException) {
                    return Result.done();
                }
                throw e;
            }
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS && base != null; attempt++) {
            if (!base.getMetadata().getUid().equals(w.uid())) {
                return Result.done(); // a new pod of the same name; not ours to write
            }
            Pod merged = merge(base, mine);
            if (merged.equals(base)) {
                break;
            }
            try {
                pods.update(merged).join();
                break;
            } catch (RuntimeException e) {
                StoreException se = StoreException.unwrap(e);
                if (se instanceof ConflictException ce) {
                    base = ce.current();
                } else if (se instanceof NotFoundException) {
                    return Result.done();
                } else {
                    throw e;
                }
            }
        }
        if (w.readyToDelete()) {
            remove(w);
        }
        return Result.done();
    }

    /**
     * The last step of a graceful deletion ({@link PodTermination}), once the final status is
     * written: the pod object goes, on the condition that its uid is still the worker's. A new
     * pod of the same name fails that compare and stays; an object already gone is fine too.
     */
    private void remove(PodWorker w) {
        try {
            pods.delete(w.namespace(), w.name(), Preconditions.uid(w.uid())).join();
        } catch (RuntimeException e) {
            StoreException se = StoreException.unwrap(e);
            if (!(se instanceof NotFoundException) && !(se instanceof ConflictException)) {
                throw e;
            }
        }
    }

    /** {@code current} with the kubelet-owned status fields replaced by {@code mine}. */
    static Pod merge(Pod current, PodStatus mine) {
        PodStatus cur = current.getStatus();
        List<PodCondition> conds = new ArrayList<>(mine.getConditionsList());
        for (PodCondition c : cur.getConditionsList()) {
            if (!PodConditions.OWNED.contains(c.getType())) {
                conds.add(c);
            }
        }
        PodStatus.Builder b = mine.toBuilder()
                .clearConditions()
                .addAllConditions(conds)
                .setNominatedNodeName(cur.getNominatedNodeName());
        if (mine.getHostIp().isEmpty() && !cur.getHostIp().isEmpty()) {
            b.setHostIp(cur.getHostIp()).addAllHostIps(cur.getHostIpsList());
        }
        return current.toBuilder().setStatus(b).build();
    }

    @Override
    public void close() {
        queue.close();
    }
}
