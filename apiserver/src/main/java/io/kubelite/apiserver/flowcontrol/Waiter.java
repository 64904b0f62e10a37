package io.kubelite.apiserver.flowcontrol;

/**
 * What a queued request does once the {@link FlowController} decides about it. Called at most
 * once, one of the two, from whatever thread freed the seat or expired the wait, never under
 * the controller's lock: an implementation moves to its request's own thread (a Vert.x
 * context) before doing work, and must not block.
 */
public interface Waiter {
    /** It holds a seat now; {@link Ticket#done} gives it back. */
    void start();

    /** It will not run. */
    void reject(Rejection why);
}
