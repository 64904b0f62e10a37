package io.kubelite.store.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Reconciler} asks the queue to do with a key once it returns.
 *
 * <ul>
 *   <li>{@link #done()}: the key is up to date; its back-off is reset.</li>
 *   <li>{@link #requeue()}: try again after the key's exponential back-off; the
 *       back-off keeps growing until a later {@code done()}.</li>
 *   <li>{@link #requeueAfter(Duration)}: try again after a fixed delay (e.g. when a
 *       lease or grace period expires); the back-off is reset, since this is planned
 *       work rather than a failure.</li>
 * </ul>
 *
 * A key added again while it was being reconciled is reconciled once more in any case;
 * a {@code Result} never cancels that.
 */
public final class Result {

    /** The three outcomes, for callers that switch over a result. */
    public enum Action {
        DONE,
        REQUEUE,
        REQUEUE_AFTER
    }

    private static final Result DONE = new Result(Action.DONE, Duration.ZERO);
    private static final Result REQUEUE = new Result(Action.REQUEUE, Duration.ZERO);

    private final Action action;
    private final Duration delay;

    private Result(Action action, Duration delay) {
        this.action = action;
        this.delay = delay;
    }

    public static Result done() {
        return DONE;
    }

    public static Result requeue() {
        return REQUEUE;
    }

    /**
     * Reconcile the key again after {@code delay}. Zero means "as soon as a worker is
     * free", without back-off.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Result requeueAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative requeue delay: " + delay);
        }
        return new Result(Action.REQUEUE_AFTER, delay);
    }

    public Action action() {
        return action;
    }

    /** The delay of a {@link Action#REQUEUE_AFTER} result; zero for the others. */
    public Duration delay() {
        return delay;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Result r && r.action == action && r.delay.equals(delay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, delay);
    }

    @Override
    public String toString() {
        return action == Action.REQUEUE_AFTER
                ? "requeueAfter(" + delay + ")"
                : action.name().toLowerCase();
    }
}
