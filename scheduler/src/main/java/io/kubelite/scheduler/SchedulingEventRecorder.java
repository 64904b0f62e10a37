package io.kubelite.scheduler;

import com.google.protobuf.Timestamp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.kubelite.api.Event;
import io.kubelite.api.EventSource;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.Pod;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.events.EventWriter;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the scheduler's Events (core/v1 Event objects in the pod's namespace):
 * {@code Scheduled} (Normal, {@code Successfully assigned default/mypod to node3}) per
 * bind, as an op of the bind's own transaction ({@link #scheduledOp}), and one
 * {@code FailedScheduling} (Warning) per pod whose {@code count}, {@code message} and
 * {@code lastTimestamp} are updated on every further failure instead of writing a new
 * Event.
 *
 * <p>Every Event goes through the store's {@link EventWriter} (an etcd lease of 1 h, the
 * leader's fence): create compares {@code create_revision == 0}, update compares the
 * event's {@code mod_revision}. Unlike {@link io.kubelite.store.events.EventRecorder} this
 * recorder never reads before writing, so it keeps up with binding hundreds of pods a second.
 *
 * <p>FailedScheduling writes are asynchronous and best effort, like client-go's event
 * broadcaster: calls return at once, at most {@code maxInFlight} writes are outstanding,
 * and an event that finds no room is dropped and counted ({@link #dropped()}). The
 * Scheduled Event is never dropped: it commits exactly when its bind does. Thread-safe.
 */
public final class SchedulingEventRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulingEventRecorder.class);

    /** The FailedScheduling Event of one pod, as last written. */
    private record Written(String name, Event event, long modRevision) {}

    private final EventWriter writer;
    private final String component;
    private final String instance;
    private final Semaphore inFlight;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lastNanos = new AtomicLong();
    private final Map<String, CompletableFuture<Written>> failed = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public SchedulingEventRecorder(Etcd etcd, String component, String instance, int maxInFlight) {
        this.writer = new EventWriter(etcd);
        this.component = component;
        this.instance = instance;
        this.inFlight = new Semaphore(maxInFlight);
    }

    public void setFence(Fence f) {
        writer.setFence(f);
    }

    public long dropped() {
        return dropped.get();
    }

    public long written() {
        return written.get();
    }

    /**
     * The op that writes the {@code Scheduled} Event of binding {@code pod} to
     * {@code nodeName}, for the bind's own transaction (see {@link EventWriter#createOp}):
     * the Event then costs no commit of its own and exists exactly when the bind does.
     * Completes at once when the events' lease is granted already; the first call waits for the grant.
     */
    public CompletableFuture<Op> scheduledOp(Pod pod, String nodeName) {
        return writer.createOp(newEvent(pod, "Normal", "Scheduled", scheduledMessage(pod, nodeName), "Binding"));
    }

    /** A bind carrying {@link #scheduledOp} committed: its Event was written. */
    void scheduledWritten() {
        written.incrementAndGet();
    }

    /** A transaction carrying an op of this recorder failed for a reason other than its compares. */
    void writeFailed() {
        writer.forgetLease();
    }

    private static String scheduledMessage(Pod pod, String nodeName) {
        return "Successfully assigned " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName() + " to " + nodeName;
    }

    /**
     * {@code FailedScheduling} with {@code message}: creates the pod's Event the first
     * time, then increments its count (and refreshes message and lastTimestamp). If the
     * Event has expired or was deleted, a new one is created.
     */
    public void failedScheduling(Pod pod, String message) {
        String uid = pod.getMetadata().getUid();
        if (!inFlight.tryAcquire()) {
            dropped.incrementAndGet();
            return;
        }
        failed.compute(uid, (k, prev) -> {
            CompletableFuture<Written> base =
                    prev == null ? CompletableFuture.completedFuture(null) : prev.exceptionally(err -> null);
            CompletableFuture<Written> next =
                    base.thenCompose(w -> w == null ? createFailed(pod, message) : bumpFailed(pod, w, message));
            next.whenComplete((r, err) -> {
                inFlight.release();
                if (err != null) {
                    LOG.debug(
                            "event FailedScheduling for {} not written: {}",
                            pod.getMetadata().getName(),
                            err.toString());
                }
            });
            return next;
        });
    }

    /** The pod was bound or deleted: its FailedScheduling Event is no longer updated. */
    public void forget(String podUid) {
        failed.remove(podUid);
    }

    private CompletableFuture<Written> createFailed(Pod pod, String message) {
        Event ev = newEvent(pod, "Warning", "FailedScheduling", message, "Scheduling");
        return create(ev).thenApply(rev -> {
            if (rev == 0) {
                // fenced out (or a name collision): nothing was written, so nothing to update later
                throw new IllegalStateException(
                        "FailedScheduling event " + ev.getMetadata().getName() + " not written");
            }
            return new Written(ev.getMetadata().getName(), ev, rev);
        });
    }

    private CompletableFuture<Written> bumpFailed(Pod pod, Written w, String message) {
        Event ev = w.event().toBuilder()
                .setCount(w.event().getCount() + 1)
                .setMessage(message)
                .setLastTimestamp(now())
                .build();
        Cmp cmp = new Cmp(bs(writer.key(ev)), Cmp.Op.EQUAL, CmpTarget.modRevision(w.modRevision()));
        return write(ev, cmp)
                .thenCompose(rev -> rev > 0
                        ? CompletableFuture.completedFuture(new Written(w.name(), ev, rev))
                        : createFailed(pod, message));
    }

    private CompletableFuture<Long> create(Event ev) {
        return write(ev, new Cmp(bs(writer.key(ev)), Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
    }

    /** One fenced, lease-attached put; the new mod_revision, or 0 if {@code cmp} failed. */
    private CompletableFuture<Long> write(Event ev, Cmp cmp) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("event recorder closed"));
        }
        return writer.put(ev, cmp).thenApply(rev -> {
            if (rev > 0) {
                written.incrementAndGet();
            }
            return rev;
        });
    }

    private Event newEvent(Pod pod, String type, String reason, String message, String action) {
        ObjectMeta pm = pod.getMetadata();
        Timestamp now = now();
        String name = pm.getName() + "." + Long.toHexString(uniqueNanos());
        return Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace(pm.getNamespace())
                        .setUid(randomUid())
                        .setCreationTimestamp(now))
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setApiVersion("v1")
                        .setNamespace(pm.getNamespace())
                        .setName(pm.getName())
                        .setUid(pm.getUid())
                        .setResourceVersion(pm.getResourceVersion()))
                .setReason(reason)
                .setMessage(message)
                .setSource(EventSource.newBuilder().setComponent(component))
                .setFirstTimestamp(now)
                .setLastTimestamp(now)
                .setCount(1)
                .setType(type)
                .setAction(action)
                .setReportingComponent(component)
                .setReportingInstance(instance)
                .build();
    }

    /**
     * A random (version 4) UUID drawn from ThreadLocalRandom: an Event's uid must be unique,
     * not secret, and UUID.randomUUID's SecureRandom costs a synchronized SHA-1 per Event,
     * one per bound pod.
     */
    private static String randomUid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** Wall-clock nanoseconds, strictly increasing within this process (event names must not collide). */
    private long uniqueNanos() {
        Instant i = Instant.now();
        long n = i.getEpochSecond() * 1_000_000_000L + i.getNano();
        return lastNanos.accumulateAndGet(n, (prev, x) -> Math.max(prev + 1, x));
    }

    private static Timestamp now() {
        Instant i = Instant.now();
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
    }

    private static ByteSequence bs(String s) {
        return Etcd.bytes(s);
    }

    public void close() {
        closed = true;
    }
}
