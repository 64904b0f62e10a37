package io.kubelite.apiserver.flowcontrol;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API priority and fairness, kube's basics: the server's seats ({@code --max-requests-inflight})
 * and the per-flow queues of the requests waiting for one. A non-exempt request that finds a
 * free seat and nothing queued runs at once; otherwise it waits in its flow's FIFO queue until
 * {@link FairQueues} picks it for a freed seat, is refused when its flow's queue is full, and
 * times out after the configured wait (both 429). Exempt requests ({@code system:masters}) take
 * no seat and never wait. With 0 seats every non-exempt request is refused at once.
 *
 * <p>Never blocks and never calls a {@link Waiter} under its lock: {@link #enter}, {@link
 * Ticket#done}, {@link #expireOverdue} and {@link #close} are safe from event-loop threads.
 * Waits expire when {@link #expireOverdue} is called (the owner's timer). {@link #close} refuses
 * everything queued ({@link Rejection#SHUTDOWN}) and everything entering after; idempotent.
 */
public final class FlowController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowController.class);

    private final int seats;
    private final long queueWaitNanos;
    private final boolean queuing;
    private final LongSupplier nanoTime;
    private final FlowControlMetrics metrics;
    private final FairQueues queues;
    private int executing;
    private int exemptExecuting;
    private boolean closed;

    public FlowController(int seats, FlowControlConfig config, MeterRegistry registry) {
        this(seats, config, registry, System::nanoTime);
    }

    /** With {@code nanoTime} as the clock (tests). */
    public FlowController(int seats, FlowControlConfig config, MeterRegistry registry, LongSupplier nanoTime) {
        if (seats < 0) {
            throw new IllegalArgumentException("seats must be ≥ 0, got " + seats);
        }
        this.seats = seats;
        this.queueWaitNanos = config.queueWait().toNanos();
        this.queuing = config.queueLengthPerFlow() > 0;
        this.nanoTime = nanoTime;
        this.queues = new FairQueues(config.queueLengthPerFlow());
        this.metrics = new FlowControlMetrics(registry);
        metrics.gauges(PriorityLevel.EXEMPT, () -> 0, this::exemptExecuting);
        metrics.gauges(PriorityLevel.GLOBAL_DEFAULT, this::queued, this::executing);
    }

    /**
     * A request of flow {@code flow} (its user's name) at {@code level} enters. The returned
     * ticket's {@link Ticket#entry} says whether it runs now, waits ({@code waiter} is told
     * later), or is refused now ({@code waiter} is not told).
     */
    public Ticket enter(String flow, PriorityLevel level, Waiter waiter) {
        long now = nanoTime.getAsLong();
        Rejection refused;
        synchronized (this) {
            if (level == PriorityLevel.EXEMPT) {
                exemptExecuting++;
                return new Ticket(this, level, null, waiter, now)
                        .entered(Ticket.Entry.EXECUTING, Ticket.State.EXECUTING, null);
            }
            FlowQueue f = queues.flow(flow);
            Ticket t = new Ticket(this, level, f, waiter, now);
            if (closed) {
                refused = Rejection.SHUTDOWN;
            } else if (executing < seats && queues.queued() == 0) {
                executing++;
                f.started();
                t.entered(Ticket.Entry.EXECUTING, Ticket.State.EXECUTING, null);
                metrics.waited(level, true, 0);
                return t;
            } else if (seats == 0 || !queuing) {
                refused = Rejection.CONCURRENCY_LIMIT;
            } else if (queues.offer(t)) {
                return t.entered(Ticket.Entry.QUEUED, Ticket.State.QUEUED, null);
            } else {
                refused = Rejection.QUEUE_FULL;
            }
            queues.forgetIfIdle(f);
            t.entered(Ticket.Entry.REJECTED, Ticket.State.DONE, refused);
            if (refused != Rejection.SHUTDOWN) {
                metrics.rejected(level, refused);
                metrics.waited(level, false, 0);
            }
            return t;
        }
    }

    /** {@link Ticket#done}: frees its seat and starts the next, or takes it out of its queue. */
    void finish(Ticket t) {
        List<Ticket> start = List.of();
        boolean cancelled = false;
        synchronized (this) {
            switch (t.state) {
                case DONE -> {
                    return;
                }
                case QUEUED -> {
                    queues.remove(t);
                    t.state = Ticket.State.DONE;
                    metrics.rejected(t.level(), Rejection.CANCELLED);
                    metrics.waited(t.level(), false, nanoTime.getAsLong() - t.enteredNanos());
                    cancelled = true;
                }
                case EXECUTING -> {
                    t.state = Ticket.State.DONE;
                    if (t.level() == PriorityLevel.EXEMPT) {
                        exemptExecuting--;
                        return;
                    }
                    executing--;
                    t.flow().finished();
                    queues.forgetIfIdle(t.flow());
                    start = dispatch();
                }
            }
        }
        if (cancelled) {
            LOG.debug(
                    "flow {}: a queued request's client left; it will not run",
                    t.flow().name());
        }
        start.forEach(s -> s.waiter().start());
    }

    /** Gives free seats to queued requests, fairly; their waiters are started by the caller, unlocked. */
    private List<Ticket> dispatch() {
        List<Ticket> start = new ArrayList<>();
        long now = nanoTime.getAsLong();
        while (executing < seats) {
            Ticket next = queues.next();
            if (next == null) {
                break;
            }
            executing++;
            next.flow().started();
            next.state = Ticket.State.EXECUTING;
            metrics.waited(next.level(), true, now - next.enteredNanos());
            start.add(next);
        }
        return start;
    }

    /** Refuses every request that has waited longer than the queue wait (429, {@link Rejection#TIME_OUT}). */
    public void expireOverdue() {
        List<Ticket> expired;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            expired = queues.removeEnteredBefore(now - queueWaitNanos);
            for (Ticket t : expired) {
                t.state = Ticket.State.DONE;
                metrics.rejected(t.level(), Rejection.TIME_OUT);
                metrics.waited(t.level(), false, now - t.enteredNanos());
            }
        }
        if (!expired.isEmpty()) {
            LOG.info(
                    "flow control: {} request(s) waited over {} ms for a seat and were refused (flow {})",
                    expired.size(),
                    queueWaitNanos / 1_000_000,
                    expired.get(0).flow().name());
        }
        expired.forEach(t -> t.waiter().reject(Rejection.TIME_OUT));
    }

    /** Requests waiting for a seat now. */
    public synchronized int queued() {
        return queues.queued();
    }

    /** Non-exempt requests holding seats now. */
    public synchronized int executing() {
        return executing;
    }

    /** Exempt requests running now (they hold no seat). */
    public synchronized int exemptExecuting() {
        return exemptExecuting;
    }

    /** Flows with anything queued or executing now (bounded by the requests in the server). */
    synchronized int flows() {
        return queues.flows();
    }

    @Override
    public void close() {
        List<Ticket> drained;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            drained = queues.drain();
            drained.forEach(t -> t.state = Ticket.State.DONE);
        }
        if (!drained.isEmpty()) {
            LOG.info("flow control: shutting down, {} queued request(s) refused", drained.size());
        }
        drained.forEach(t -> t.waiter().reject(Rejection.SHUTDOWN));
    }
}
