package io.kubelite.apiserver.testing;

import io.kubelite.controllers.ControllerManagerMain;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.testing.Poll;
import java.time.Duration;

/**
 * A controller-manager running the named controllers in this JVM against a {@link KubectlCluster}'s
 * etcd, without leader election: what the kubectl workload tests need behind the API server.
 * {@link #close()} shuts it down; idempotent.
 */
public final class InProcessControllerManager implements AutoCloseable {
    private final ComponentMain main;
    private boolean closed;

    private InProcessControllerManager(ComponentMain main) {
        this.main = main;
    }

    /**
     * Starts controllers {@code controllers} (the {@code --controllers} list), with any more flags
     * ({@code --horizontal-pod-autoscaler-sync-period=1s}), and waits until they run.
     */
    public static InProcessControllerManager start(
            KubectlCluster cluster, String id, String controllers, String... flags) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--etcd-endpoints",
                String.join(",", cluster.etcdEndpoints()),
                "--etcd-prefix",
                cluster.etcd().prefix(),
                "--health-port",
                "0",
                "--leader-elect=false",
                "--id",
                id,
                "--controllers=" + controllers));
        args.addAll(java.util.List.of(flags));
        ControllerManagerMain cm = ControllerManagerMain.parse(args.toArray(String[]::new));
        InProcessControllerManager m = new InProcessControllerManager(cm.componentMain());
        m.main.start();
        Poll.until(
                Duration.ofSeconds(30),
                "controllers " + controllers + " running",
                () -> cm.component().running());
        return m;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            main.shutdown();
        }
    }
}
