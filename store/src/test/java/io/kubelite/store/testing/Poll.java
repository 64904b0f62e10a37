package io.kubelite.store.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling with a deadline: how tests wait for a state. Never a fixed sleep.
 */
public final class Poll {
    private Poll() {}

    /** Polls {@code condition} every 20 ms until true, or fails with {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError err = new AssertionError("timed out after " + timeout + " waiting for: " + what);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            sleepQuietly(20);
        }
    }

    /**
     * Polls {@code observe} every 20 ms until {@code done} accepts what it saw, and returns that;
     * or fails after {@code timeout} with {@code what} (the expectation) next to the last
     * observation, so that one failure message says what was expected and what was there.
     * An observation that throws counts as not done; its exception becomes the failure's cause.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> observe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object lastSeen = "(nothing observed yet)";
        Throwable last = null;
        while (true) {
            try {
                T seen = observe.get();
                if (done.test(seen)) {
                    return seen;
                }
                lastSeen = seen;
                last = null;
            } catch (RuntimeException | AssertionError e) {
                last = e;
                lastSeen = "(the observation failed: " + e + ")";
            }
            if (System.nanoTime() > deadline) {
                AssertionError err = new AssertionError(
                        "timed out after " + timeout + " waiting for: " + what + "\n  last saw: " + lastSeen);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            sleepQuietly(20);
        }
    }

    /**
     * The other half of polling: asserts that something stays true for a whole window
     * ({@code check} runs every 100 ms and at the end; its first failure fails the test at
     * once, with {@code what}). For "nothing happens" claims — no spurious restart, no late
     * create — which no single poll can establish.
     */
    public static void holds(Duration window, String what, Runnable check) {
        long end = System.nanoTime() + window.toNanos();
        while (true) {
            try {
                check.run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("did not hold for " + window + ": " + what, e);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            sleepQuietly(Math.min(100, Math.max(1, left / 1_000_000)));
        }
    }

    /** Polls until {@code value} returns non-null and returns it, or fails after {@code timeout}. */
    public static <T> T value(Duration timeout, String what, Supplier<T> value) {
        Object[] box = new Object[1];
        until(timeout, what, () -> (box[0] = value.get()) != null);
        @SuppressWarnings("unchecked")
        T t = (T) box[0];
        return t;
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
