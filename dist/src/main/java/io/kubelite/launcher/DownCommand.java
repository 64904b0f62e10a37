package io.kubelite.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelite down}: stops what {@code up} started, gracefully (SIGTERM, then SIGKILL
 * after a grace period), components in reverse start order and etcd last. Only pids
 * recorded by {@code up} that still run the recorded command are touched.
 */
@Command(
        name = "down",
        mixinStandardHelpOptions = true,
        description = "Stop the local cluster started by `kubelite up`.")
final class DownCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = ".kubelite", description = "(default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ClusterLayout layout = new ClusterLayout(dir.toAbsolutePath().normalize());
        Optional<ClusterState> loaded = ClusterState.load(layout.state());
        if (loaded.isEmpty() || !loaded.get().anyAlive()) {
            System.out.println("kubelite down: no cluster running from " + layout.root());
            Files.deleteIfExists(layout.state());
            return 0;
        }
        ClusterState state = loaded.get();
        // A foreground `up` stops its own children in order when told to.
        Optional<ProcessHandle> launcher = ProcessHandle.of(state.launcherPid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> ClusterState.commandLine(h).contains(KubeliteMain.class.getName()));
        if (launcher.isPresent() && !state.detached) {
            System.out.println("stopping kubelite up (pid " + state.launcherPid + ")");
            launcher.get().destroy();
            launcher.get().onExit().get(90, TimeUnit.SECONDS);
        }
        List<ClusterState.Proc> reverse = new ArrayList<>(state.processes);
        Collections.reverse(reverse);
        for (ClusterState.Proc p : reverse) {
            Optional<ProcessHandle> h = ClusterState.live(p);
            if (h.isPresent()) {
                System.out.println("stopping " + p.name() + " (pid " + p.pid() + ")");
                ManagedProcess.stop(h.get(), Duration.ofSeconds(15));
            }
        }
        Files.deleteIfExists(layout.state());
        System.out.println("kubelite is down (data kept in " + layout.root() + ")");
        return 0;
    }
}
