package io.kubelite.apiserver.flowcontrol;

/**
 * Why a request did not get a seat; {@link #label} is the {@code reason} label of kube's
 * {@code apiserver_flowcontrol_rejected_requests_total}.
 */
public enum Rejection {
    /** Its flow's queue was full. */
    QUEUE_FULL("queue-full"),
    /** It waited the longest wait allowed. */
    TIME_OUT("time-out"),
    /** Its client went away while it waited. */
    CANCELLED("cancelled"),
    /** No seat and no queuing (0 seats, or queues of length 0). */
    CONCURRENCY_LIMIT("concurrency-limit"),
    /** The server is shutting down (not counted: not kube's reason). */
    SHUTDOWN("shutdown");

    private final String label;

    Rejection(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
