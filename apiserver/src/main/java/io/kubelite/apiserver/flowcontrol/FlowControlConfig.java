package io.kubelite.apiserver.flowcontrol;

import java.time.Duration;
import java.util.Objects;

/**
 * How requests that find no free seat wait: at most {@code queueLengthPerFlow} of one flow
 * (one user) queue at once, each for at most {@code queueWait}; beyond either the request is
 * refused with 429. A queue length of 0 turns queuing off: no free seat means 429 at once.
 *
 * @param queueLengthPerFlow requests one flow may have waiting ({@code --flowcontrol-queue-length-per-flow})
 * @param queueWait          longest a request waits for a seat ({@code --flowcontrol-queue-wait})
 */
public record FlowControlConfig(int queueLengthPerFlow, Duration queueWait) {
    /** kube's queue wait limit is 15 s (a quarter of the default request timeout, 60 s). */
    public static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(15);

    public static final int DEFAULT_QUEUE_LENGTH_PER_FLOW = 50;

    public FlowControlConfig {
        Objects.requireNonNull(queueWait);
        if (queueLengthPerFlow < 0) {
            throw new IllegalArgumentException("queue length per flow must be ≥ 0, got " + queueLengthPerFlow);
        }
        if (queueWait.isNegative() || queueWait.isZero()) {
            throw new IllegalArgumentException("queue wait must be positive, got " + queueWait);
        }
    }

    public static FlowControlConfig defaults() {
        return new FlowControlConfig(DEFAULT_QUEUE_LENGTH_PER_FLOW, DEFAULT_QUEUE_WAIT);
    }
}
