package io.kubelite.controllers.events;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Event;
import io.kubelite.api.EventSource;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.controllers.util.Times;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.Resources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records core/v1 Events the way client-go's recorder and event correlator do, and
 * writes them to etcd attached to an etcd lease so they expire on their own (1 h after
 * their last occurrence, per DESIGN.md).
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
 *   <li><b>Never blocks a controller.</b> {@link #event} queues; one writer thread writes;
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
    public static final Duration EVENT_TTL = Duration.ofHours(1);
    private static final Duration LEASE_REUSE = Duration.ofMinutes(1);
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

    /** A recorder with its own writer thread; {@link #forComponent} shares it. */
    public EventRecorder(Etcd etcd, String component, String host) {
        this(new Sink(etcd), component, host);
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
        sink.fence = f;
    }

    public void normal(ObjectReference obj, String reason, String message) {
        event(obj, "Normal", reason, message);
    }

    public void warning(ObjectReference obj, String reason, String message) {
        event(obj, "Warning", reason, message);
    }

    /** Records an event about {@code obj}; returns at once. */
    public void event(ObjectReference obj, String type, String reason, String message) {
        if (sink.closed) {
            return;
        }
        String msg;
        synchronized (this) {
            Instant now = Instant.now();
            String aggKey = String.join("\0", obj.getKind(), obj.getNamespace(), obj.getName(), obj.getUid(), type, reason);
            Aggregate a = aggregates.computeIfAbsent(aggKey, k -> new Aggregate());
            if (a.last.plus(AGGREGATE_WINDOW).isBefore(now)) {
                a.messages.clear();
            }
            a.last = now;
            a.messages.add(message);
            msg = a.messages.size() > AGGREGATE_MAX_EVENTS ? COMBINED + message : message;
            String spamKey = String.join("\0", obj.getKind(), obj.getNamespace(), obj.getName(), obj.getUid());
            double nowSec = System.nanoTime() / 1e9;
            double[] bucket = spam.computeIfAbsent(spamKey, k -> new double[]{SPAM_BURST, nowSec});
            bucket[0] = Math.min(SPAM_BURST, bucket[0] + (nowSec - bucket[1]) * SPAM_QPS);
            bucket[1] = nowSec;
            if (bucket[0] < 1) {
                LOG.debug("event dropped by the spam filter: {} {} {}", obj.getName(), reason, message);
                return;
            }
            bucket[0] -= 1;
        }
        String ns = obj.getNamespace().isEmpty() ? "default" : obj.getNamespace();
        Event e = Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns)
                        .setName(obj.getName() + "." + hash(obj, type, reason, msg)))
                .setInvolvedObject(obj)
                .setReason(reason)
                .setMessage(msg)
                .setType(type)
                .setSource(EventSource.newBuilder().setComponent(component).setHost(host))
                .setReportingComponent(component)
                .setReportingInstance(host)
                .setCount(1)
                .build();
        LOG.info("Event({} {}/{}): type: '{}' reason: '{}' {}", obj.getKind(), obj.getNamespace(), obj.getName(),
                type, reason, msg);
        if (!sink.queue.offer(e)) {
            LOG.warn("event queue full; dropping event {} {}", reason, msg);
        }
    }

    private String hash(ObjectReference obj, String type, String reason, String msg) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(String.join("\0", obj.getUid(), obj.getKind(), type, reason, msg, component)
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
        return ObjectReference.newBuilder().setApiVersion(apiVersion).setKind(kind)
                .setNamespace(m.getNamespace()).setName(m.getName()).setUid(m.getUid()).build();
    }

    /** Node events reference the node by name with uid = name, as Kubernetes' RecordNodeEvent does. */
    public static ObjectReference nodeRef(String nodeName, String uid) {
        return ObjectReference.newBuilder().setKind("Node").setName(nodeName).setUid(uid).build();
    }


    /** The queue and the writer thread, shared by every recorder derived with {@link #forComponent}. */
    private static final class Sink {
        private final Etcd etcd;
        private final Keys keys;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Thread writer;
        private volatile Fence fence = Fence.NONE;
        private volatile boolean closed;
        private long leaseId;
        private Instant leaseGranted = Instant.EPOCH;

        Sink(Etcd etcd) {
            this.etcd = etcd;
            this.keys = new Keys(etcd.prefix());
            this.writer = new Thread(this::run, "event-recorder");
            this.writer.setDaemon(true);
            this.writer.start();
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
                    LOG.warn("could not write event {} ({}): {}", e.getMetadata().getName(), e.getReason(), ex.getMessage());
                }
            }
        }

        private long lease() {
            Instant now = Instant.now();
            if (leaseId == 0 || leaseGranted.plus(LEASE_REUSE).isBefore(now)) {
                leaseId = etcd.call("events-lease", () -> etcd.client().getLeaseClient().grant(EVENT_TTL.toSeconds()))
                        .join().getID();
                leaseGranted = now;
            }
            return leaseId;
        }

        /** Create, or bump count/lastTimestamp of the existing event; both re-attach the current lease. */
        private void write(Event e) {
            String key = keys.key(Resources.EVENTS, e.getMetadata().getNamespace(), e.getMetadata().getName());
            ByteSequence k = Etcd.bytes(key);
            long lease = lease();
            for (int attempt = 0; attempt < 5; attempt++) {
                var resp = etcd.call(key, () -> etcd.client().getKVClient().get(k)).join();
                Event toWrite;
                Cmp cmp;
                if (resp.getKvs().isEmpty()) {
                    var ts = Times.now();
                    toWrite = e.toBuilder()
                            .setMetadata(e.getMetadata().toBuilder().setUid(UUID.randomUUID().toString())
                                    .setCreationTimestamp(Times.nowSeconds()))
                            .setFirstTimestamp(Times.nowSeconds()).setLastTimestamp(Times.nowSeconds())
                            .setEventTime(ts).build();
                    cmp = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
                } else {
                    KeyValue kv = resp.getKvs().get(0);
                    Event cur = ObjectCodec.decode(Resources.EVENTS, key, kv.getValue().getBytes(), kv.getModRevision());
                    toWrite = cur.toBuilder().setCount(cur.getCount() + 1).setLastTimestamp(Times.nowSeconds()).build();
                    cmp = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision()));
                }
                List<Cmp> cmps = new ArrayList<>(fence.compares());
                cmps.add(cmp);
                byte[] value = ObjectCodec.encode(Resources.EVENTS, toWrite);
                var txn = etcd.call(key, () -> etcd.client().getKVClient().txn()
                        .If(cmps.toArray(Cmp[]::new))
                        .Then(Op.put(k, ByteSequence.from(value), PutOption.builder().withLeaseId(lease).build()))
                        .Else(Op.get(k, GetOption.DEFAULT))
                        .commit()).join();
                if (txn.isSucceeded()) {
                    return;
                }
            }
            LOG.warn("event {} not written: repeated conflicts or this process lost leadership", key);
        }

        void close() {
            closed = true;
            writer.interrupt();
            try {
                writer.join(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
