package io.kubelite.store.testing;

import java.util.List;

/**
 * A real etcd cluster for tests: either members this harness started and controls, or
 * an external cluster named by {@code ETCD_ENDPOINTS}.
 *
 * <p>Member operations (kill, restart, pause) exist only on managed clusters; on an
 * external one they throw {@link UnsupportedOperationException} naming why, so a test
 * that needs them can never pass by silently doing nothing.
 */
public interface EtcdCluster extends AutoCloseable {
    /** Client endpoints, e.g. {@code ["127.0.0.1:23790", ...]}. */
    List<String> endpoints();

    /** Endpoints joined by commas, as {@code --etcd-endpoints} takes them. */
    default String endpointsString() {
        return String.join(",", endpoints());
    }

    int size();

    /** True when this harness started the members and can kill, restart and pause them. */
    boolean isManaged();

    /** SIGKILL member {@code i}; its data dir stays, so {@link #restart} brings it back. */
    void kill(int i);

    /** Starts a killed or stopped member again on the same ports and data and waits until it is up. */
    void restart(int i);

    /** SIGSTOP member {@code i}: it stays connected but answers nothing. */
    void pause(int i);

    /** SIGCONT member {@code i}. */
    void resume(int i);

    /** Index of the current raft leader, found through each member's status. */
    int leaderIndex();

    /** Compacts history up to {@code revision} (physical compaction, waits for it). */
    default void compact(long revision) {
        etcdctl("compaction", "--physical", Long.toString(revision));
    }

    /** The current revision of the cluster. */
    default long currentRevision() {
        return Etcdctl.revision(etcdctl("endpoint", "status", "-w", "json"));
    }

    /**
     * Runs {@code etcdctl} (v3 API) against this cluster with the given arguments and
     * returns its stdout; fails the test if it exits non-zero.
     */
    String etcdctl(String... args);

    @Override
    void close();
}
