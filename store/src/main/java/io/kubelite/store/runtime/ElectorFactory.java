package io.kubelite.store.runtime;

import io.kubelite.store.Etcd;
import io.kubelite.store.election.Elector;
import io.kubelite.store.election.LeaderElector;
import io.kubelite.store.election.LeadershipListener;
import io.kubelite.store.election.LeaseObjectPublisher;
import java.time.Duration;

/**
 * Creates the {@link Elector} a leader-elected process campaigns with. {@link #ETCD} is
 * the real one; tests pass scripted electors.
 */
@FunctionalInterface
public interface ElectorFactory {
    /**
     * etcd-backed election ({@link LeaderElector}) that also publishes a
     * {@code kube-system/<election>} Lease object naming the holder, for humans.
     */
    ElectorFactory ETCD = (etcd, name, id, lease, listener) ->
            new LeaderElector(etcd, name, id, lease, listener, new LeaseObjectPublisher(etcd, name));

    /**
     * For processes built without leader election: running with {@code --leader-elect}
     * fails at startup with a clear message instead of silently acting unelected.
     */
    ElectorFactory UNAVAILABLE = (etcd, name, id, lease, listener) -> {
        throw new UnsupportedOperationException(
                "leader election is not available in this build; run with --leader-elect=false");
    };

    /**
     * Returns a new, not yet started elector for {@code electionName} (ComponentMain
     * passes the component name) campaigning as {@code identity}.
     */
    Elector create(
            Etcd etcd, String electionName, String identity, Duration leaseDuration, LeadershipListener listener);
}
