package io.kubelite.apiserver.flowcontrol;

/**
 * One request's place in flow control. {@link #entry} says what happened when it entered, and
 * never changes: {@link Entry#EXECUTING}, the caller runs the request now; {@link Entry#QUEUED},
 * its {@link Waiter} is told later; {@link Entry#REJECTED}, the caller refuses it ({@link
 * #rejection}). The request calls {@link #done} when it ends, however it ends (answered, or
 * its client went away): executing, that frees the seat for the next queued request; queued,
 * that takes it out of its queue ({@link Rejection#CANCELLED}) so it never runs; done, nothing.
 */
public final class Ticket {
    /** What happened when a request entered flow control. */
    public enum Entry {
        EXECUTING,
        QUEUED,
        REJECTED
    }

    enum State {
        QUEUED,
        EXECUTING,
        DONE
    }

    private final FlowController controller;
    private final PriorityLevel level;
    private final FlowQueue flow;
    private final Waiter waiter;
    private final long enteredNanos;
    private Entry entry;
    private Rejection rejection;
    /** Guarded by the controller's lock. */
    State state;

    Ticket(FlowController controller, PriorityLevel level, FlowQueue flow, Waiter waiter, long enteredNanos) {
        this.controller = controller;
        this.level = level;
        this.flow = flow;
        this.waiter = waiter;
        this.enteredNanos = enteredNanos;
    }

    /** Gives back the seat, or leaves the queue; once. */
    public void done() {
        controller.finish(this);
    }

    /** What happened on entry (set before the ticket is handed out, then fixed). */
    public Entry entry() {
        return entry;
    }

    /** Why it was refused on entry; null unless {@link #entry} is {@link Entry#REJECTED}. */
    public Rejection rejection() {
        return rejection;
    }

    public PriorityLevel level() {
        return level;
    }

    FlowQueue flow() {
        return flow;
    }

    Waiter waiter() {
        return waiter;
    }

    long enteredNanos() {
        return enteredNanos;
    }

    Ticket entered(Entry e, State s, Rejection why) {
        entry = e;
        state = s;
        rejection = why;
        return this;
    }
}
