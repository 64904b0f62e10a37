package io.kubelite.kubelet.clock;

import com.google.protobuf.Timestamp;

/**
 * The precision kubelet-sim writes status timestamps at (container start and finish,
 * condition transitions, heartbeats). At {@code --time-scale} 1 they have Kubernetes'
 * whole-second precision; a faster clock keeps milliseconds, or scenarios that take
 * seconds would have all their transitions at one instant. Reading a timestamp back
 * needs no precision: use protobuf's {@code Timestamps.toMillis}.
 */
public enum TimestampPrecision {
    SECONDS,
    MILLISECONDS;

    /** The precision for a simulator running at {@code scale}. */
    public static TimestampPrecision of(TimeScale scale) {
        return scale.factor() <= 1 ? SECONDS : MILLISECONDS;
    }

    /** {@code epochMillis} as a protobuf timestamp, truncated to this precision. */
    public Timestamp timestamp(long epochMillis) {
        Timestamp.Builder b = Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1000));
        if (this == MILLISECONDS) {
            b.setNanos((int) Math.floorMod(epochMillis, 1000) * 1_000_000);
        }
        return b.build();
    }
}
