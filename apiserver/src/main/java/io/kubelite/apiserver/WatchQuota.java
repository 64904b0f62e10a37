package io.kubelite.apiserver;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many watches each authenticated user has open on this API server, against a per-user limit
 * ({@code --max-watches-per-user}; 0: no limit). Every user counts, {@code system:masters}
 * included: a runaway script with an admin credential is as able to exhaust the server as any
 * other, and the default is far above what an informer-heavy client opens (one watch per resource
 * type it follows). Anonymous requests share the one user {@code system:anonymous}. The count is
 * this process's: each replica of the API server holds its own.
 *
 * <p>Kube has no such limit (API priority and fairness seats a watch only while it starts); it is
 * kubelite's guard against one client holding unbounded watch buffers.
 *
 * <p>Thread-safe.
 */
final class WatchQuota {

    /** One open watch's place in its user's count. */
    interface Slot {
        /** Gives the place back; only the first call counts, so every end path may call it. */
        void release();
    }

    private final int limit;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    WatchQuota(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("the watch limit per user must be 0 (none) or more, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * Takes a place for a new watch of {@code user}; kube's 429 TooManyRequests (with
     * Retry-After) when the user already holds the limit.
     */
    Slot acquire(String user) {
        boolean[] refused = {false};
        open.compute(user, (u, n) -> {
            int held = n == null ? 0 : n;
            if (limit > 0 && held >= limit) {
                refused[0] = true;
                return n;
            }
            return held + 1;
        });
        if (refused[0]) {
            throw new ApiException(
                    429,
                    "TooManyRequests",
                    "Too many requests: user \"" + user + "\" has " + limit
                            + " watches open, the most allowed per user; close one or try again later",
                    null,
                    null,
                    null,
                    List.of(),
                    1);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    /** The watches {@code user} has open now. */
    int open(String user) {
        return open.getOrDefault(user, 0);
    }
}
