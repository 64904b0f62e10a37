package io.kubelite.store.runtime;

import io.kubelite.store.Etcd;

import java.time.Duration;

/**
 * Creates the {@link Elector} a leader-elected process campaigns with. A seam, so the
 * runtime compiles and is tested without the election package; the real factory adapts
 * {@code io.kubelite.store.election.LeaderElector}:
 * <pre>{@code
 * ElectorFactory real = (etcd, name, id, lease, hooks) -> {
 *     LeaderElector e = new LeaderElector(etcd, name, id, lease, new LeadershipListener() {
 *         public void onStartedLeading(Leadership l) {
 *             hooks.onStartedLeading(new LeaderTerm(l.key(), l.token(), l.fence()));
 *         }
 *         public void onStoppedLeading() { hooks.onStoppedLeading(); }
 *     });
 *     return new Elector() {
 *         public void start() { e.start(); }
 *         public boolean isLeader() { return e.isLeader(); }
 *         public void close() { e.close(); }
 *     };
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ElectorFactory {
    /**
     * For processes built without leader election: running with {@code --leader-elect}
     * fails at startup with a clear message instead of silently acting unelected.
     */
    ElectorFactory UNAVAILABLE = (etcd, name, id, lease, hooks) -> {
        throw new UnsupportedOperationException("leader election is not available in this build; run with --leader-elect=false");
    };

    /**
     * Returns a new, not yet started elector for {@code electionName} (ComponentMain
     * passes the component name) campaigning as {@code identity}.
     */
    Elector create(Etcd etcd, String electionName, String identity, Duration leaseDuration, LeadershipHooks hooks);
}
