package io.kubelite.store.events;

import io.kubelite.api.Event;
import io.kubelite.api.EventSource;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
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
 *   <li><b>Never blocks a caller.</b> {@link #event} queues; a few writer threads write
 *       ({@link EventSink}); a full queue (1,000) drops the event, counted and logged once a
 *       minute.</li>
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
    private static final String COMBINED = "(combined from similar events): ";

    private final EventSink sink;
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
        this(new EventSink(etcd, 0, 0), component, host);
    }

    /**
     * A recorder with its own writer thread that records at most {@code qps} events per
     * second on average with bursts of {@code burst} (qps 0: unlimited).
     */
    public EventRecorder(Etcd etcd, String component, String host, double qps, int burst) {
        this(new EventSink(etcd, qps, burst), component, host);
    }

    private EventRecorder(EventSink sink, String component, String host) {
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
        sink.setFence(f);
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
        if (sink.closed()) {
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
        sink.offer(e);
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

    /** True when no event is waiting or being written (tests). */
    public boolean idle() {
        return sink.idle();
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
}
