package io.kubelite.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code kubelite up} started, written to {@code cluster.json} so that {@code down}
 * and {@code status} (other processes) can find it. Only processes listed here are ever
 * stopped, and only after checking that the pid still runs the same command.
 */
public final class ClusterState {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One process the launcher started (or, for an external etcd, pid 0). */
    public record Proc(String name, long pid, String endpoint, int healthPort, String marker) {}

    public long launcherPid;
    public boolean detached;
    public String etcdEndpoints;
    public String server;
    public List<Proc> processes = new ArrayList<>();

    public static Optional<ClusterState> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ClusterState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public void save(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The live OS process for {@code p}, if it still runs the command we started. */
    public static Optional<ProcessHandle> live(Proc p) {
        if (p.pid() <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(p.pid())
                .filter(ProcessHandle::isAlive)
                .filter(h -> commandLine(h).contains(p.marker()));
    }

    /**
     * The process's full command line. ProcessHandle.Info cuts it at 4 KiB, which a JVM
     * with a long classpath exceeds, so Linux's /proc is read first.
     */
    static String commandLine(ProcessHandle h) {
        Path proc = Path.of("/proc", Long.toString(h.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // fall through
        }
        return h.info().commandLine().orElse("");
    }

    /** True while any recorded process (or the launcher) is alive. */
    public boolean anyAlive() {
        if (launcherPid > 0
                && ProcessHandle.of(launcherPid).map(ProcessHandle::isAlive).orElse(false)
                && ProcessHandle.of(launcherPid)
                        .map(h -> commandLine(h).contains(KubeliteMain.class.getName()))
                        .orElse(false)) {
            return true;
        }
        return processes.stream().anyMatch(p -> live(p).isPresent());
    }
}
