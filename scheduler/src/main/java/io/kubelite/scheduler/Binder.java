package io.kubelite.scheduler;

import io.kubelite.api.Pod;
import io.kubelite.scheduler.cache.SchedulerCache;
import io.kubelite.scheduler.plugins.NodeResourcesFit;
import io.kubelite.scheduler.plugins.PodTopologySpread;
import io.kubelite.scheduler.queue.QueuedPod;
import io.kubelite.scheduler.queue.SchedulingQueue;
import io.kubelite.store.ConflictException;
import io.kubelite.store.FencedOutException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import io.kubelite.store.watch.KnownValues;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes bindings, pipelined: {@link #bind} fires one txn per pod (compare the pod's
 * mod_revision and the leader's fence; set {@code spec.nodeName} and PodScheduled=True,
 * and create the pod's {@code Scheduled} Event in the same commit)
 * and returns at once; the completion confirms the assumption in the cache or forgets
 * it and requeues the pod. At most {@code maxInFlight} binds are outstanding;
 * {@link #acquire} is where the scheduling loop waits for a slot.
 *
 * <p>Also writes PodScheduled=False for unschedulable pods (same txn shape, retried from
 * the value a conflict returns while the pod stays unbound).
 */
final class Binder {
    private static final Logger LOG = LoggerFactory.getLogger(Binder.class);
    private static final int STATUS_ATTEMPTS = 5;

    private final ObjectStore<Pod> pods;
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final SchedulingEventRecorder events;
    private final KnownValues<Pod> written;
    private final Semaphore slots;
    private final AtomicLong bound = new AtomicLong();
    private final AtomicLong bindFailures = new AtomicLong();
    private final AtomicLong lastBindNanos = new AtomicLong();
    private volatile SchedulerMetrics metrics = SchedulerMetrics.none();
    private final java.util.concurrent.atomic.AtomicInteger outstanding =
            new java.util.concurrent.atomic.AtomicInteger();

    Binder(
            ObjectStore<Pod> pods,
            SchedulerCache cache,
            SchedulingQueue queue,
            SchedulingEventRecorder events,
            KnownValues<Pod> written,
            int maxInFlight) {
        this.pods = pods;
        this.cache = cache;
        this.queue = queue;
        this.events = events;
        this.written = written;
        this.slots = new Semaphore(maxInFlight);
    }

    void recordMetricsIn(SchedulerMetrics m) {
        this.metrics = m;
    }

    boolean acquire(Duration timeout) throws InterruptedException {
        return slots.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void release() {
        slots.release();
    }

    /** Bind txns sent and not yet answered. */
    int inFlight() {
        return outstanding.get();
    }

    long boundCount() {
        return bound.get();
    }

    long bindFailures() {
        return bindFailures.get();
    }

    long lastBindNanos() {
        return lastBindNanos.get();
    }

    /** Fires the bind of an assumed pod with a slot already acquired; returns at once. */
    CompletableFuture<Void> bind(QueuedPod qp, String nodeName, ObjectStore<Pod> fenced) {
        Pod pod = qp.pod().pod();
        String key = qp.key();
        CompletableFuture<Pod> f;
        outstanding.incrementAndGet();
        try {
            Pod bound = PodScheduledCondition.bound(pod, nodeName);
            // the Scheduled Event rides in the bind's txn: one commit per bound pod, and the
            // same compares (pod mod_revision, fence) decide both
            f = events.scheduledOp(pod, nodeName).thenCompose(op -> fenced.update(bound, List.of(op)));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((res, err) -> {
            outstanding.decrementAndGet();
            slots.release();
            long now = System.nanoTime();
            if (err == null) {
                // the pod informer's watch then delivers this object instead of decoding etcd's copy
                written.remember(
                        pods.key(
                                res.getMetadata().getNamespace(),
                                res.getMetadata().getName()),
                        Long.parseLong(res.getMetadata().getResourceVersion()),
                        res);
                events.scheduledWritten(); // counted first: boundCount() never runs ahead of it
                lastBindNanos.set(now);
                metrics.attempt("scheduled", now - qp.poppedNanos());
                metrics.podScheduled(qp.attempts() + 1, now - qp.firstQueuedNanos());
                cache.finishBinding(key);
                queue.done(key);
                events.forget(pod.getMetadata().getUid());
                bound.incrementAndGet();
                LOG.debug("bound {} to {}", key, nodeName);
                return null;
            }
            bindFailures.incrementAndGet();
            metrics.attempt("error", now - qp.poppedNanos());
            cache.forget(key);
            // the node has room again for pods that failed on resources or spread
            queue.moveOnEvent(Set.of(NodeResourcesFit.NAME, PodTopologySpread.NAME));
            StoreException se = StoreException.unwrap(err);
            if (se instanceof ConflictException ce) {
                Pod cur = ce.current();
                if (cur == null
                        || !cur.getSpec().getNodeName().isEmpty()
                        || cur.getMetadata().hasDeletionTimestamp()) {
                    LOG.debug(
                            "bind of {} lost a race: {}",
                            key,
                            cur == null ? "gone" : "bound to " + cur.getSpec().getNodeName());
                    queue.done(key);
                } else {
                    LOG.debug("bind of {} conflicted with a newer version; retrying", key);
                    queue.requeueAfterError(qp, cur);
                }
            } else if (se instanceof NotFoundException) {
                queue.done(key);
            } else if (se instanceof FencedOutException) {
                LOG.info("bind of {} to {} fenced out: this scheduler no longer leads", key, nodeName);
                queue.requeueAfterError(qp, null);
            } else {
                events.writeFailed(); // in case etcd lost the events' lease the txn carried
                LOG.warn("bind of {} to {} failed, will retry: {}", key, nodeName, err.toString());
                queue.requeueAfterError(qp, null);
            }
            return null;
        });
    }

    /** Sets PodScheduled=False/Unschedulable with {@code message} unless it already says so. */
    void markUnschedulable(Pod pod, String message, ObjectStore<Pod> fenced) {
        markUnschedulable(pod, message, fenced, 1);
    }

    private void markUnschedulable(Pod pod, String message, ObjectStore<Pod> fenced, int attempt) {
        if (!pod.getSpec().getNodeName().isEmpty() || pod.getMetadata().hasDeletionTimestamp()) {
            return;
        }
        Pod next = PodScheduledCondition.unschedulable(pod, message);
        if (next == null) {
            return;
        }
        fenced.update(next).whenComplete((res, err) -> {
            if (err == null) {
                return;
            }
            StoreException se = StoreException.unwrap(err);
            if (se instanceof ConflictException ce && ce.current() != null && attempt < STATUS_ATTEMPTS) {
                markUnschedulable(ce.<Pod>current(), message, fenced, attempt + 1);
            } else if (!(se instanceof NotFoundException)) {
                LOG.debug(
                        "PodScheduled=False for {} not written: {}",
                        pod.getMetadata().getName(),
                        err.toString());
            }
        });
    }
}
