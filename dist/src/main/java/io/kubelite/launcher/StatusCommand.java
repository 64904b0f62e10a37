package io.kubelite.launcher;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubelite status}: what {@code up} started, whether it runs, and whether it is ready. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the local cluster's processes.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = ".kubelite", description = "(default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() {
        ClusterLayout layout = new ClusterLayout(dir.toAbsolutePath().normalize());
        Optional<ClusterState> loaded = ClusterState.load(layout.state());
        if (loaded.isEmpty() || !loaded.get().anyAlive()) {
            System.out.println("no cluster running from " + layout.root() + " (start one with `kubelite up`)");
            return 3;
        }
        ClusterState s = loaded.get();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        System.out.printf("%-20s %-8s %-8s %s%n", "COMPONENT", "PID", "STATUS", "ENDPOINT");
        boolean allReady = true;
        for (ClusterState.Proc p : s.processes) {
            boolean alive = ClusterState.live(p).isPresent();
            String status = !alive
                    ? "exited"
                    : p.healthPort() == 0
                            ? "running"
                            : ManagedProcess.ready(http, p.healthPort()) ? "ready" : "not-ready";
            allReady &= status.equals("ready") || status.equals("running");
            String health = "health 127.0.0.1:" + p.healthPort();
            String endpoint = p.endpoint() != null
                    ? p.endpoint() + (p.healthPort() > 0 ? ", " + health : "")
                    : p.name().equals("apiserver") ? s.server : health;
            System.out.printf("%-20s %-8d %-8s %s%n", p.name(), p.pid(), status, endpoint);
        }
        System.out.println("kubeconfig: " + layout.kubeconfig());
        return allReady ? 0 : 1;
    }
}
