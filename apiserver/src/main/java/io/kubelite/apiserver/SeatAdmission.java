package io.kubelite.apiserver;

import io.kubelite.apiserver.flowcontrol.FlowController;
import io.kubelite.apiserver.flowcontrol.PriorityLevel;
import io.kubelite.apiserver.flowcontrol.Rejection;
import io.kubelite.apiserver.flowcontrol.Ticket;
import io.kubelite.apiserver.flowcontrol.Waiter;
import java.util.List;

/**
 * Puts a non-long-running request through API priority and fairness: the bridge between a
 * {@link Request} (its user, its paused body, its Status) and the {@link FlowController}'s seats
 * and queues. Stateless beyond the controller it is given.
 */
final class SeatAdmission {
    private final FlowController flowControl;

    SeatAdmission(FlowController flowControl) {
        this.flowControl = flowControl;
    }

    /**
     * Runs {@code run} once the request's flow (its user, kube's {@code ByUser}) gets a seat: now,
     * or later on the request's own context when {@link FlowController} picks it from its queue
     * (an exception then still becomes the request's Status, through {@link Request#later}); or
     * refuses it with kube's 429. The seat or queue place is given back when the answer ends or
     * the client leaves ({@link Request#release}): a request whose client left while it waited
     * never runs.
     */
    void admit(Request r, Runnable run) {
        PriorityLevel level = PriorityLevel.of(r.user().groups());
        r.http()
                .response()
                .putHeader(PriorityLevel.PRIORITY_LEVEL_UID_HEADER, level.levelUid())
                .putHeader(PriorityLevel.FLOW_SCHEMA_UID_HEADER, level.flowSchemaUid());
        Ticket t = flowControl.enter(r.user().name(), level, new Waiter() {
            @Override
            public void start() {
                r.later(() -> {
                    try {
                        run.run(); // sets the body's handlers, if it reads one
                    } finally {
                        r.http().resume();
                    }
                });
            }

            @Override
            public void reject(Rejection why) {
                r.later(() -> {
                    r.http().resume(); // its body, unread, goes
                    r.fail(refusal(why));
                });
            }
        });
        r.holdSlot(t::done);
        switch (t.entry()) {
            case EXECUTING -> run.run();
            // the body must wait with it: read on arrival with no handler yet, it would be lost
            case QUEUED -> r.http().pause();
            case REJECTED -> throw refusal(t.rejection());
        }
    }

    /** kube's answer to a request flow control refused: 429 with Retry-After, or 503 while shutting down. */
    private static ApiException refusal(Rejection why) {
        if (why == Rejection.SHUTDOWN) {
            return new ApiException(
                    503, "ServiceUnavailable", "apiserver is shutting down", null, null, null, List.of(), 1);
        }
        return new ApiException(
                429, "TooManyRequests", "Too many requests, please try again later.", null, null, null, List.of(), 1);
    }
}
