package io.kubelite.store.events;

import com.google.protobuf.Timestamp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.kubelite.api.Event;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.StoredObjects;
import io.kubelite.store.ratelimit.TokenBucket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an {@link EventRecorder}'s events go: a bounded queue, a process-wide rate limit, and a
 * few writer threads that create each Event, or bump {@code count} and {@code lastTimestamp} of
 * the one already stored under its name.
 *
 * <p>Several writers, because each write waits on etcd: one thread writing one event at a time
 * falls behind a controller-manager creating 100 pods/s on a loaded machine (each create has its
 * Event). Two writers of the same Event name meet in etcd's compares and retry, so counts stay
 * right. A name this sink has not written lately is first tried as a create (one round trip, the
 * common case); one it has is read first. A full queue or the rate limit drops events: counted,
 * and logged at most once a minute, not per event.
 *
 * <p>Thread-safe; {@link #close} is idempotent.
 */
final class EventSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);
    static final int QUEUE = 1000;
    private static final int WRITERS = 4;
    private static final int ATTEMPTS = 5;
    private static final int REMEMBERED_NAMES = 4096;
    private static final long DROP_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Etcd etcd;
    private final EventWriter writer;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger writing = new AtomicInteger();
    /** Keys of Events written lately: their next write starts with a read, not a create. */
    private final Set<String> written = Collections.newSetFromMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > REMEMBERED_NAMES;
        }
    });

    private volatile boolean closed;
    // the drop counters, guarded by this
    private final TokenBucket limit;
    private long droppedByRate;
    private long droppedByQueue;
    private long lastRateLogNanos;
    private long lastQueueLogNanos;

    /** Starts the writers; {@code qps} 0 is no rate limit. */
    EventSink(Etcd etcd, double qps, int burst) {
        this.etcd = etcd;
        this.writer = new EventWriter(etcd);
        // the kubelet's --event-qps 0: no limit
        this.limit = qps > 0 ? TokenBucket.of(qps, Math.max(1, burst)) : TokenBucket.unlimited();
        for (int i = 0; i < WRITERS; i++) {
            Thread t = new Thread(this::run, "event-recorder-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    void setFence(Fence f) {
        writer.setFence(f);
    }

    boolean closed() {
        return closed;
    }

    /** Takes a token of the process-wide rate limit; false (and counted) when there is none. */
    synchronized boolean admit() {
        if (limit.tryAccept()) {
            return true;
        }
        droppedByRate++;
        long now = System.nanoTime();
        if (now - lastRateLogNanos > DROP_LOG_NANOS) {
            lastRateLogNanos = now;
            LOG.warn(
                    "event rate limit ({}/s, burst {}) reached: {} events dropped so far",
                    limit.qps(),
                    limit.burst(),
                    droppedByRate);
        }
        return false;
    }

    /** Queues {@code e} for writing; a full queue drops it (counted, logged once a minute). */
    void offer(Event e) {
        if (queue.offer(e)) {
            return;
        }
        synchronized (this) {
            droppedByQueue++;
            long now = System.nanoTime();
            if (now - lastQueueLogNanos > DROP_LOG_NANOS) {
                lastQueueLogNanos = now;
                LOG.warn(
                        "event queue full ({} waiting): {} events dropped so far, the latest {} {}",
                        QUEUE,
                        droppedByQueue,
                        e.getReason(),
                        e.getMessage());
            }
        }
    }

    /** True when no event is waiting or being written. */
    boolean idle() {
        return queue.isEmpty() && writing.get() == 0;
    }

    private void run() {
        while (!closed) {
            Event e;
            try {
                e = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                return;
            }
            if (e == null) {
                continue;
            }
            writing.incrementAndGet();
            try {
                write(e);
            } catch (RuntimeException ex) {
                LOG.warn(
                        "could not write event {} ({}): {}", e.getMetadata().getName(), e.getReason(), ex.getMessage());
            } finally {
                writing.decrementAndGet();
            }
        }
    }

    /** Create, or bump count/lastTimestamp of the existing event; both re-attach the current lease. */
    private void write(Event e) {
        String key = writer.key(e);
        ByteSequence k = Etcd.bytes(key);
        boolean create;
        synchronized (written) {
            create = !written.contains(key);
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Event toWrite;
            Cmp cmp;
            if (create) {
                toWrite = created(e);
                cmp = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
            } else {
                var resp =
                        etcd.call(key, () -> etcd.client().getKVClient().get(k)).join();
                if (resp.getKvs().isEmpty()) {
                    create = true; // expired with its lease, or never written
                    continue;
                }
                KeyValue kv = resp.getKvs().get(0);
                Event cur = StoredObjects.decode(etcd, EventKind.RESOURCE, key, kv);
                toWrite = cur.toBuilder()
                        .setCount(cur.getCount() + 1)
                        .setLastTimestamp(
                                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                        .build();
                cmp = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision()));
            }
            if (writer.put(toWrite, cmp).join() > 0) {
                synchronized (written) {
                    written.add(key);
                }
                return;
            }
            create = false; // it exists (another writer's), it changed under us, or we are fenced out
        }
        LOG.warn("event {} not written: repeated conflicts or this process lost leadership", key);
    }

    /** {@code e} as first written: a uid, and every timestamp now. */
    private static Event created(Event e) {
        Instant now = Instant.now();
        Timestamp seconds =
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build();
        return e.toBuilder()
                .setMetadata(e.getMetadata().toBuilder()
                        .setUid(UUID.randomUUID().toString())
                        .setCreationTimestamp(seconds))
                .setFirstTimestamp(seconds)
                .setLastTimestamp(seconds)
                .setEventTime(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
