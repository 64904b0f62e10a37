package io.kubelite.scheduler.queue;

import io.kubelite.api.Pod;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.store.backoff.ExponentialBackoff;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Pods waiting to be scheduled, as kube-scheduler's priority queue:
 * <ul>
 *   <li><b>active</b>: ready to try, highest {@code spec.priority} first, then FIFO;</li>
 *   <li><b>waiting</b>: failed an attempt and backing off (1 s, doubling per attempt, at
 *       most 10 s by default); moved back to active when the back-off expires, or at once
 *       when a cluster event arrives that could make it schedulable (see {@link #moveOnEvent});</li>
 *   <li><b>in flight</b>: popped and being scheduled or bound; updates to the pod are
 *       remembered so a retry uses the latest version, and a delete or a bind seen
 *       meanwhile means it is not requeued.</li>
 * </ul>
 * A cluster event that arrives while a pod is in flight makes that pod's next failure
 * go straight back to active (kube-scheduler's moveRequestCycle, here per plugin), so no event is lost in
 * the window between pop and failure.
 *
 * <p>Thread-safe. {@link #pop} blocks with a timeout.
 */
public final class SchedulingQueue {
    private enum Where {
        ACTIVE,
        WAITING,
        IN_FLIGHT
    }

    private static final class Entry {
        PodInfo pod;
        Where where;
        int attempts;
        long firstQueuedNanos;
        long seq;
        long readyAtNanos;
        /** Plugins that rejected the last attempt; empty: any event (or none, for bind errors). */
        Set<String> rejectors = Set.of();

        boolean unschedulable;
        boolean gone;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Entry> entries = new HashMap<>();
    private final PriorityQueue<Entry> active = new PriorityQueue<>(
            Comparator.<Entry>comparingInt(e -> -e.pod.priority()).thenComparingLong(e -> e.seq));
    private final TreeSet<Entry> waiting =
            new TreeSet<>(Comparator.<Entry>comparingLong(e -> e.readyAtNanos).thenComparingLong(e -> e.seq));
    private final ExponentialBackoff policy;
    private final LongSupplier nanoClock;
    private long seq;
    private long schedulingCycle;
    /** Cycle of the last event that concerned every pod, and per plugin of the last event that concerned it. */
    private long moveAllCycle = -1;

    private long moveAnyCycle = -1;
    private final Map<String, Long> moveCycleByPlugin = new HashMap<>();
    private boolean closed;

    public SchedulingQueue(Duration initialBackoff, Duration maxBackoff) {
        this(initialBackoff, maxBackoff, System::nanoTime);
    }

    SchedulingQueue(Duration initialBackoff, Duration maxBackoff, LongSupplier nanoClock) {
        this.policy = initialBackoff.isZero() ? null : new ExponentialBackoff(initialBackoff, maxBackoff);
        this.nanoClock = nanoClock;
    }

    /** Back-off after {@code attempts} failed attempts: initial × 2^(attempts-1), capped; none with a zero initial back-off. */
    public Duration backoff(int attempts) {
        return policy == null ? Duration.ZERO : policy.delay(Math.max(1, attempts));
    }

    /** A new pending pod (informer add). Ignored if the queue already knows it. */
    public void add(Pod pod) {
        PodInfo info = new PodInfo(pod);
        lock.lock();
        try {
            if (closed || entries.containsKey(info.key())) {
                return;
            }
            Entry e = new Entry();
            e.pod = info;
            e.firstQueuedNanos = nanoClock.getAsLong();
            entries.put(info.key(), e);
            toActive(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A pending pod changed. The queue keeps the newest version; a waiting pod whose
     * spec or labels changed is retried at once (the change may make it fit).
     */
    public void update(Pod oldPod, Pod newPod) {
        PodInfo info = new PodInfo(newPod);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Entry e = entries.get(info.key());
            if (e == null) {
                e = new Entry();
                e.pod = info;
                e.firstQueuedNanos = nanoClock.getAsLong();
                entries.put(info.key(), e);
                toActive(e);
                return;
            }
            boolean relevant = !oldPod.getSpec().equals(newPod.getSpec())
                    || !oldPod.getMetadata()
                            .getLabelsMap()
                            .equals(newPod.getMetadata().getLabelsMap());
            switch (e.where) {
                case ACTIVE -> {
                    active.remove(e);
                    e.pod = info;
                    active.add(e);
                }
                case WAITING -> {
                    e.pod = info;
                    if (relevant) {
                        waiting.remove(e);
                        toActive(e);
                    }
                }
                case IN_FLIGHT -> e.pod = info;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The pod was deleted, bound, or is no longer this scheduler's: forget it. */
    public void delete(String key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null) {
                return;
            }
            switch (e.where) {
                case ACTIVE -> {
                    active.remove(e);
                    entries.remove(key);
                }
                case WAITING -> {
                    waiting.remove(e);
                    entries.remove(key);
                }
                case IN_FLIGHT -> e.gone = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next pod to schedule, waiting up to {@code timeout}; null on timeout or
     * when closed. The pod is in flight until {@link #done}, {@link #requeueUnschedulable}
     * or {@link #requeueAfterError}.
     */
    public QueuedPod pop(Duration timeout) throws InterruptedException {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        lock.lock();
        try {
            while (!closed) {
                long now = nanoClock.getAsLong();
                flushWaiting(now);
                Entry e = active.poll();
                if (e != null) {
                    e.where = Where.IN_FLIGHT;
                    schedulingCycle++;
                    return new QueuedPod(e.pod, e.attempts, schedulingCycle, e.firstQueuedNanos, now);
                }
                long wait = deadline - now;
                if (wait <= 0) {
                    return null;
                }
                if (!waiting.isEmpty()) {
                    wait = Math.min(wait, Math.max(1, waiting.first().readyAtNanos - now));
                }
                changed.awaitNanos(wait);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void flushWaiting(long now) {
        while (!waiting.isEmpty() && waiting.first().readyAtNanos <= now) {
            toActive(waiting.pollFirst());
        }
    }

    private void toActive(Entry e) {
        e.where = Where.ACTIVE;
        e.seq = ++seq;
        active.add(e);
        changed.signalAll();
    }

    /** The attempt ended for good (bound, or the pod is gone): forget the pod. */
    public void done(String key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e != null && e.where == Where.IN_FLIGHT) {
                entries.remove(key);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The attempt found no node. The pod backs off, then is retried; a cluster event that
     * could help ({@link #moveOnEvent} with one of {@code rejectors}, or any node event)
     * retries it at once. If such an event already arrived during the attempt, it is
     * retried at once.
     */
    public void requeueUnschedulable(QueuedPod qp, Set<String> rejectors) {
        requeue(qp, rejectors, true, null);
    }

    /**
     * The bind failed for a reason other than fit (conflict, etcd unavailable): retry
     * after the back-off, with {@code freshPod} if the failure returned a newer version.
     */
    public void requeueAfterError(QueuedPod qp, Pod freshPod) {
        requeue(qp, Set.of(), false, freshPod == null ? null : new PodInfo(freshPod));
    }

    private void requeue(QueuedPod qp, Set<String> rejectors, boolean unschedulable, PodInfo fresh) {
        lock.lock();
        try {
            Entry e = entries.get(qp.key());
            if (e == null || e.where != Where.IN_FLIGHT) {
                return;
            }
            if (e.gone || closed) {
                entries.remove(qp.key());
                return;
            }
            if (fresh != null && versionOf(fresh) > versionOf(e.pod)) {
                e.pod = fresh;
            }
            e.attempts = qp.attempts() + 1;
            e.rejectors = Set.copyOf(rejectors);
            e.unschedulable = unschedulable;
            if (unschedulable && movedSince(qp.cycle(), e.rejectors)) {
                toActive(e);
                return;
            }
            e.where = Where.WAITING;
            e.readyAtNanos = nanoClock.getAsLong() + backoff(e.attempts).toNanos();
            waiting.add(e);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean movedSince(long cycle, Set<String> rejectors) {
        if (moveAllCycle >= cycle) {
            return true;
        }
        if (rejectors.isEmpty()) {
            return moveAnyCycle >= cycle;
        }
        for (String p : rejectors) {
            if (moveCycleByPlugin.getOrDefault(p, -1L) >= cycle) {
                return true;
            }
        }
        return false;
    }

    private static long versionOf(PodInfo p) {
        try {
            return Long.parseLong(p.pod().getMetadata().getResourceVersion());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A cluster event that may make unschedulable pods fit. Moves to active every waiting
     * pod that failed to fit and was rejected by one of {@code plugins}; with
     * {@code plugins} null, every pod that failed to fit. Returns how many moved.
     */
    public int moveOnEvent(Set<String> plugins) {
        lock.lock();
        try {
            moveAnyCycle = schedulingCycle;
            if (plugins == null) {
                moveAllCycle = schedulingCycle;
            } else {
                for (String p : plugins) {
                    moveCycleByPlugin.put(p, schedulingCycle);
                }
            }
            int moved = 0;
            var it = waiting.iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (!e.unschedulable) {
                    continue;
                }
                if (plugins == null || e.rejectors.isEmpty() || intersects(plugins, e.rejectors)) {
                    it.remove();
                    toActive(e);
                    moved++;
                }
            }
            return moved;
        } finally {
            lock.unlock();
        }
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        for (String s : a) {
            if (b.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** Pods known to the queue: active, waiting and in flight. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    public int activeCount() {
        lock.lock();
        try {
            return active.size();
        } finally {
            lock.unlock();
        }
    }

    /** Pods waiting after an attempt that found no node (kube's unschedulable sub-queue). */
    public int unschedulableCount() {
        lock.lock();
        try {
            int n = 0;
            for (Entry e : waiting) {
                if (e.unschedulable) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    public int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean contains(String key) {
        lock.lock();
        try {
            return entries.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes {@link #pop} callers and makes every later call a no-op. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
