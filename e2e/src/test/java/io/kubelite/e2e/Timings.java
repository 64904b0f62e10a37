package io.kubelite.e2e;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Timing lines on stdout, prefixed so they are easy to find in surefire's output. */
final class Timings {
    private Timings() {}

    static long ms(long t0Nanos) {
        return (System.nanoTime() - t0Nanos) / 1_000_000;
    }

    static void log(String msg) {
        System.out.println("[e2e " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] " + msg);
        System.out.flush();
    }

    static void timing(String what, long millis) {
        log("TIMING " + what + ": " + millis + " ms");
    }
}
