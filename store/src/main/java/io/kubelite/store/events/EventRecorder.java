package io.kubelite.store.events;

import com.google.protobuf.Timestamp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.kubelite.api.Event;
import io.kubelite.api.EventSource;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.StoredObjects;
import io.kubelite.store.ratelimit.TokenBucket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events the way client-go's recorder and event correlator do, and
 * writes them to etcd attached to an etcd lease so they expire on their own (1 h after
 * their last occurrence, per docs/design.md).
 *
 * <ul>
 *   <li><b>De-duplication.</b> An event's name is derived from its involved object,
 *       reason, type, message and source, so a repeat (even by another controller-manager
 *       after a failover) bumps {@code count} and {@code lastTimestamp} of the same
 *       object instead of creating a new one.</li>
 *   <li><b>Aggregation.</b> After 10 events with the same source, object, type and reason
 *       but different messages within 10 minutes, further ones are folded into one event
 *       whose message starts with {@code (combined from similar events): }.</li>
 *   <li><b>Spam filter.</b> A token bucket per source and involved object (burst 25, one
 *       token per 5 minutes) drops the rest, as in Kubernetes.</li>
 *   <li><b>Rate limit.</b> Optionally a token bucket over all events of the process, as the
 *       kubelet's {@code --event-qps}/{@code --event-burst}: beyond it events are dropped
 *       (counted, logged once per minute), so a simulator with thousands of pods cannot
 *       turn its event traffic into the main load on etcd.</li>
 *   <li><b>Never blocks a caller.</b> {@link #event} queues; one writer thread writes;
 *       a full queue (1,000) drops the event with a log line.</li>
 * </ul>
 *
 * Writes carry the current {@link Fence}, so a deposed leader cannot record either.
 *
 * <p>The typed {@code ObjectStore} has no lease option, so this class writes with jetcd
 * directly (the same envelope via {@link ObjectCodec}).
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int AGGREGATE_MAX_EVENTS = 10;
    private static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);
    private static final double SPAM_BURST = 25;
    private static final double SPAM_QPS = 1.0 / 300;
    private static final int QUEUE = 1000;
    private static final String COMBINED = "(combined from similar events): ";

    private final Sink sink;
    private final String component;
    private final String host;

    // correlator state, guarded by this
    private final Map<String, Aggregate> aggregates = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Aggregate> e) {
            return size() > 4096;
        }
    };
    private final Map<String, double[]> spam = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> e) {
            return size() > 4096;
        }
    };

    private static final class Aggregate {
        final Set<String> messages = new HashSet<>();
        Instant last = Instant.EPOCH;
    }

    /** A recorder with its own writer thread and no rate limit; {@link #forComponent} shares it. */
    public EventRecorder(Etcd etcd, String component, String host) {
        this(new Sink(etcd, 0, 0), component, host);
    }

    /**
     * A recorder with its own writer thread that records at most {@code qps} events per
     * second on average with bursts of {@code burst} (qps 0: unlimited).
     */
    public EventRecorder(Etcd etcd, String component, String host, double qps, int burst) {
        this(new Sink(etcd, qps, burst), component, host);
    }

    private EventRecorder(Sink sink, String component, String host) {
        this.sink = sink;
        this.component = component;
        this.host = host;
    }

    /** A recorder reporting as {@code component} (event source), sharing this one's writer. */
    public EventRecorder forComponent(String otherComponent) {
        return new EventRecorder(sink, otherComponent, host);
    }

    /** The fence later writes carry; set at the start of each leadership term. */
    public void setFence(Fence f) {
        sink.writer.setFence(f);
    }

    public void normal(ObjectReference obj, String reason, String message) {
        event(obj, "Normal", reason, message);
    }

    public void warning(ObjectReference obj, String reason, String message) {
        event(obj, "Warning", reason, message);
    }

    /** Records an event about {@code obj}; returns at once. */
    public void event(ObjectReference obj, String type, String reason, String message) {
        event(host, obj, type, reason, message);
    }

    /**
     * Records an event whose source is {@code sourceHost} rather than this recorder's host:
     * one recorder (one correlator, one rate limit) for a process that speaks for many hosts,
     * as kubelet-sim does for its nodes.
     */
    public void event(String sourceHost, ObjectReference obj, String type, String reason, String message) {
        if (sink.closed) {
            return;
        }
        String msg;
        synchronized (this) {
            Instant now = Instant.now();
            String aggKey =
                    String.join("\0", obj.getKind(), obj.getNamespace(), obj.getName(), obj.getUid(), type, reason);
            Aggregate a = aggregates.computeIfAbsent(aggKey, k -> new Aggregate());
            if (a.last.plus(AGGREGATE_WINDOW).isBefore(now)) {
                a.messages.clear();
            }
            a.last = now;
            a.messages.add(message);
            msg = a.messages.size() > AGGREGATE_MAX_EVENTS ? COMBINED + message : message;
            String spamKey = String.join("\0", obj.getKind(), obj.getNamespace(), obj.getName(), obj.getUid());
            double nowSec = System.nanoTime() / 1e9;
            double[] bucket = spam.computeIfAbsent(spamKey, k -> new double[] {SPAM_BURST, nowSec});
            bucket[0] = Math.min(SPAM_BURST, bucket[0] + (nowSec - bucket[1]) * SPAM_QPS);
            bucket[1] = nowSec;
            if (bucket[0] < 1) {
                LOG.debug("event dropped by the spam filter: {} {} {}", obj.getName(), reason, message);
                return;
            }
            bucket[0] -= 1;
            if (!sink.admit()) {
                return;
            }
        }
        String ns = obj.getNamespace().isEmpty() ? "default" : obj.getNamespace();
        Event e = Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(ns)
                        .setName(obj.getName() + "." + hash(obj, type, reason, msg)))
                .setInvolvedObject(obj)
                .setReason(reason)
                .setMessage(msg)
                .setType(type)
                .setSource(EventSource.newBuilder().setComponent(component).setHost(sourceHost))
                .setReportingComponent(component)
                .setReportingInstance(sourceHost)
                .setCount(1)
                .build();
        LOG.info(
                "Event({} {}/{}): type: '{}' reason: '{}' {}",
                obj.getKind(),
                obj.getNamespace(),
                obj.getName(),
                type,
                reason,
                msg);
        if (!sink.queue.offer(e)) {
            LOG.warn("event queue full; dropping event {} {}", reason, msg);
        }
    }

    private String hash(ObjectReference obj, String type, String reason, String msg) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(String.join("\0", obj.getUid(), obj.getKind(), obj.getFieldPath(), type, reason, msg, component)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** True when no event is waiting to be written (tests). */
    public boolean idle() {
        return sink.queue.isEmpty();
    }

    /** Stops the shared writer; events recorded later are dropped. */
    @Override
    public void close() {
        sink.close();
    }

    /** Reference to a cluster-scoped or namespaced object, for {@link #event}. */
    public static ObjectReference ref(String apiVersion, String kind, ObjectMeta m) {
        return ObjectReference.newBuilder()
                .setApiVersion(apiVersion)
                .setKind(kind)
                .setNamespace(m.getNamespace())
                .setName(m.getName())
                .setUid(m.getUid())
                .build();
    }

    /** Node events reference the node by name with uid = name, as Kubernetes' RecordNodeEvent does. */
    public static ObjectReference nodeRef(String nodeName, String uid) {
        return ObjectReference.newBuilder()
                .setKind("Node")
                .setName(nodeName)
                .setUid(uid)
                .build();
    }

    /** The queue and the writer thread, shared by every recorder derived with {@link #forComponent}. */
    private static final class Sink {
        private final Etcd etcd;
        private final EventWriter writer;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Thread thread;
        private volatile boolean closed;
        // process-wide rate limit; the drop counters are guarded by this sink
        private final TokenBucket limit;
        private long droppedByRate;
        private long lastDropLogNanos;

        Sink(Etcd etcd, double qps, int burst) {
            this.etcd = etcd;
            this.writer = new EventWriter(etcd);
            // the kubelet's --event-qps 0: no limit
            this.limit = qps > 0 ? TokenBucket.of(qps, Math.max(1, burst)) : TokenBucket.unlimited();
            this.thread = new Thread(this::run, "event-recorder");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        /** Takes a token of the process-wide rate limit; false (and counted) when there is none. */
        synchronized boolean admit() {
            if (limit.tryAccept()) {
                return true;
            }
            long now = System.nanoTime();
            droppedByRate++;
            if (now - lastDropLogNanos > TimeUnit.MINUTES.toNanos(1)) {
                lastDropLogNanos = now;
                LOG.warn(
                        "event rate limit ({}/s, burst {}) reached: {} events dropped so far",
                        limit.qps(),
                        limit.burst(),
                        droppedByRate);
            }
            return false;
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
                try {
                    write(e);
                } catch (RuntimeException ex) {
                    LOG.warn(
                            "could not write event {} ({}): {}",
                            e.getMetadata().getName(),
                            e.getReason(),
                            ex.getMessage());
                }
            }
        }

        /** Create, or bump count/lastTimestamp of the existing event; both re-attach the current lease. */
        private void write(Event e) {
            String key = writer.key(e);
            ByteSequence k = Etcd.bytes(key);
            for (int attempt = 0; attempt < 5; attempt++) {
                var resp =
                        etcd.call(key, () -> etcd.client().getKVClient().get(k)).join();
                Event toWrite;
                Cmp cmp;
                if (resp.getKvs().isEmpty()) {
                    Instant now = Instant.now();
                    Timestamp seconds = Timestamp.newBuilder()
                            .setSeconds(now.getEpochSecond())
                            .build();
                    toWrite = e.toBuilder()
                            .setMetadata(e.getMetadata().toBuilder()
                                    .setUid(UUID.randomUUID().toString())
                                    .setCreationTimestamp(seconds))
                            .setFirstTimestamp(seconds)
                            .setLastTimestamp(seconds)
                            .setEventTime(Timestamp.newBuilder()
                                    .setSeconds(now.getEpochSecond())
                                    .setNanos(now.getNano()))
                            .build();
                    cmp = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
                } else {
                    KeyValue kv = resp.getKvs().get(0);
                    Event cur = StoredObjects.decode(etcd, EventKind.RESOURCE, key, kv);
                    toWrite = cur.toBuilder()
                            .setCount(cur.getCount() + 1)
                            .setLastTimestamp(Timestamp.newBuilder()
                                    .setSeconds(Instant.now().getEpochSecond()))
                            .build();
                    cmp = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision()));
                }
                if (writer.put(toWrite, cmp).join() > 0) {
                    return;
                }
            }
            LOG.warn("event {} not written: repeated conflicts or this process lost leadership", key);
        }

        void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
