package io.kubelite.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Callers of {@link WatchCache#awaitFresh} waiting for the cache to hold exactly what etcd
 * held at a quorum read: reached when the cache's revision has reached etcd's, or — as
 * revisions written under other prefixes reach a cache only with etcd's periodic progress
 * notifications — as soon as it has applied the newest change under the prefix and holds
 * as many objects as etcd did (then no change it lacks can alter the set: every surviving
 * key was last written at or before that revision, and a pending delete would leave it one
 * object too many).
 *
 * <p>Every method must be called under the owning cache's lock (given here, so that a
 * caller's cancel can take its waiter out).
 */
final class FreshnessWaiters {
    private record Waiter(EtcdState state, CompletableFuture<Void> done) {
        boolean reachedBy(long revision, int size) {
            return revision >= state.revision() || (revision >= state.lastModRevision() && size == state.count());
        }
    }

    private final Object lock;
    private final List<Waiter> waiters = new ArrayList<>();

    FreshnessWaiters(Object lock) {
        this.lock = lock;
    }

    /** A future that completes once a cache at {@code revision} with {@code size} objects reaches {@code state}. */
    CompletableFuture<Void> await(EtcdState state, long revision, int size) {
        Waiter w = new Waiter(state, new CompletableFuture<>());
        if (w.reachedBy(revision, size)) {
            return CompletableFuture.completedFuture(null);
        }
        waiters.add(w);
        w.done().whenComplete((v, err) -> {
            // a caller's cancel (timeout) takes the waiter out; completions happen in check
            if (err != null) {
                synchronized (lock) {
                    waiters.remove(w);
                }
            }
        });
        return w.done();
    }

    /** Completes the waiters a cache now at {@code revision} with {@code size} objects has caught up with. */
    void check(long revision, int size) {
        if (waiters.isEmpty()) {
            return;
        }
        List<Waiter> ready = new ArrayList<>();
        waiters.removeIf(w -> {
            if (w.done().isDone()) {
                return true;
            }
            if (w.reachedBy(revision, size)) {
                ready.add(w);
                return true;
            }
            return false;
        });
        ready.forEach(w -> w.done().complete(null));
    }

    /** Cancels every waiter (the cache closes). */
    void cancelAll() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        all.forEach(w -> w.done().cancel(false));
    }
}
