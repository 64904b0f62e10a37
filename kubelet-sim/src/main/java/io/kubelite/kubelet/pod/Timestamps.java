package io.kubelite.kubelet.pod;

import com.google.protobuf.Timestamp;

/** Epoch milliseconds ↔ protobuf timestamps, at the precision the simulator writes. */
public final class Timestamps {
    private Timestamps() {
    }

    /**
     * At --time-scale 1 timestamps have Kubernetes' whole-second precision; a faster
     * clock keeps milliseconds, or scenarios that take seconds would have all their
     * transitions at one instant.
     */
    private static volatile boolean wholeSeconds = true;

    public static void configure(double timeScale) {
        wholeSeconds = timeScale <= 1;
    }

    public static Timestamp of(long millis) {
        if (wholeSeconds) {
            return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000)).build();
        }
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000))
                .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000).build();
    }

    public static long millis(Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }
}
