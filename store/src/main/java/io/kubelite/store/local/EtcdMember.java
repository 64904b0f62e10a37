package io.kubelite.store.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One etcd member process started from the local binary on 127.0.0.1, the only place
 * kubelite builds an etcd process's command line: {@code kubelite up}, the benchmarks and
 * the test harness's N-member cluster all start their etcd through it (the harness's
 * Docker fallback runs etcd in a container instead).
 *
 * <p>A member is restartable: {@link #kill()} (SIGKILL) or {@link #stop()} ends the
 * process but keeps its ports and data dir, and {@link #start()} runs it again from them,
 * as a real member comes back after a crash. {@link #pause()} / {@link #resume()} send
 * SIGSTOP / SIGCONT. {@link #close()} stops it for good (SIGTERM, SIGKILL after 10 s, or
 * SIGKILL at once when paused) and is idempotent; a closed member cannot be started.
 * The data dir is never deleted: the caller owns it.
 */
public final class EtcdMember implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Path binary;
    private final Spec spec;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private boolean paused;
    private boolean closed;

    /**
     * How to run a member. {@code initialCluster} is etcd's {@code name=peerURL,...} list
     * (for a single member, itself); {@code clusterToken} may be null (etcd's default);
     * {@code extraFlags} are appended to the command line as given.
     */
    public record Spec(
            String name,
            Path dataDir,
            Path logFile,
            int clientPort,
            int peerPort,
            String initialCluster,
            String clusterToken,
            Duration progressNotifyInterval,
            boolean ownSession,
            List<String> extraFlags) {
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(logFile, "logFile");
            Objects.requireNonNull(initialCluster, "initialCluster");
            Objects.requireNonNull(progressNotifyInterval, "progressNotifyInterval");
            extraFlags = List.copyOf(extraFlags);
        }

        /**
         * A one-member cluster on free loopback ports ({@link LoopbackPorts}), with etcd's
         * watch progress notifications every 5 s (ResourceWatch relies on them), in the
         * caller's session.
         */
        public static Spec single(String name, Path dataDir, Path logFile) {
            int client = LoopbackPorts.free();
            int peer = LoopbackPorts.free();
            while (peer == client) {
                peer = LoopbackPorts.free();
            }
            return new Spec(
                    name,
                    dataDir,
                    logFile,
                    client,
                    peer,
                    name + "=" + peerUrl(peer),
                    null,
                    Duration.ofSeconds(5),
                    false,
                    List.of());
        }

        /** This spec with {@code flags} added to the command line. */
        public Spec withFlags(String... flags) {
            List<String> all = new ArrayList<>(extraFlags);
            all.addAll(List.of(flags));
            return new Spec(
                    name,
                    dataDir,
                    logFile,
                    clientPort,
                    peerPort,
                    initialCluster,
                    clusterToken,
                    progressNotifyInterval,
                    ownSession,
                    all);
        }

        /**
         * This spec run in a session of its own ({@link Sessions}), so a Ctrl-C in the
         * terminal reaches only the launcher, which then stops the member in order.
         */
        public Spec inOwnSession() {
            return new Spec(
                    name,
                    dataDir,
                    logFile,
                    clientPort,
                    peerPort,
                    initialCluster,
                    clusterToken,
                    progressNotifyInterval,
                    true,
                    extraFlags);
        }

        /** This spec with another watch progress notification interval. */
        public Spec withProgressNotifyInterval(Duration interval) {
            return new Spec(
                    name,
                    dataDir,
                    logFile,
                    clientPort,
                    peerPort,
                    initialCluster,
                    clusterToken,
                    interval,
                    ownSession,
                    extraFlags);
        }

        /** This spec as one member of a cluster: its initial member list and token. */
        public Spec inCluster(String initialCluster, String clusterToken) {
            return new Spec(
                    name,
                    dataDir,
                    logFile,
                    clientPort,
                    peerPort,
                    initialCluster,
                    clusterToken,
                    progressNotifyInterval,
                    ownSession,
                    extraFlags);
        }

        /** {@code http://127.0.0.1:<peerPort>}. */
        public String peerUrl() {
            return peerUrl(peerPort);
        }

        private static String peerUrl(int port) {
            return "http://127.0.0.1:" + port;
        }
    }

    /** A member not yet started. */
    public EtcdMember(Path binary, Spec spec) {
        this.binary = Objects.requireNonNull(binary, "binary");
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /**
     * Starts a member and waits until it answers {@code /health}; on failure it is
     * stopped and the {@link IllegalStateException} names the log file.
     */
    public static EtcdMember startHealthy(Path binary, Spec spec, Duration timeout) {
        EtcdMember m = new EtcdMember(binary, spec);
        try {
            m.start();
            m.awaitHealthy(timeout);
            return m;
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    /**
     * Starts the process (without waiting for it to serve). A member whose data dir holds
     * no member yet joins as {@code new}; otherwise it rejoins from its data and etcd
     * ignores the initial-cluster flags.
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("etcd member " + spec.name() + " is closed");
        }
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("etcd member " + spec.name() + " is still running; kill it first");
        }
        try {
            Files.createDirectories(spec.dataDir());
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            List<String> cmd = command(!Files.exists(spec.dataDir().resolve("member")));
            process = new ProcessBuilder(spec.ownSession() ? Sessions.inNewSession(cmd) : cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                    .start();
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd " + binary, e);
        }
    }

    private List<String> command(boolean fresh) {
        String client = "http://127.0.0.1:" + spec.clientPort();
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--name",
                spec.name(),
                "--data-dir",
                spec.dataDir().toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                spec.peerUrl(),
                "--initial-advertise-peer-urls",
                spec.peerUrl(),
                "--initial-cluster",
                spec.initialCluster(),
                "--initial-cluster-state",
                fresh ? "new" : "existing",
                // idle watchers learn etcd's revision this often (ResourceWatch relies on it)
                "--experimental-watch-progress-notify-interval",
                spec.progressNotifyInterval().toMillis() + "ms",
                "--logger",
                "zap",
                "--log-level",
                "warn"));
        if (spec.clusterToken() != null) {
            cmd.addAll(List.of("--initial-cluster-token", spec.clusterToken()));
        }
        cmd.addAll(spec.extraFlags());
        return cmd;
    }

    /**
     * Waits until the member answers {@code /health} with {@code "true"}, which needs a
     * quorum. Throws {@link IllegalStateException} if the process exits or the time runs out.
     */
    public void awaitHealthy(Duration timeout) {
        await(timeout, "healthy", this::answersHealth);
    }

    /**
     * Waits until the member accepts connections on its client port. A member restarted
     * while its cluster has no quorum does not answer {@code /health} in time, so only a
     * connection tells that it is up.
     */
    public void awaitListening(Duration timeout) {
        await(timeout, "listening", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", spec.clientPort()), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void await(Duration timeout, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = currentProcess();
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("etcd member " + spec.name() + " exited"
                        + (p == null ? "" : " with code " + p.exitValue()) + " at start; log " + spec.logFile()
                        + ":\n" + logTail(20));
            }
            if (done.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd member " + spec.name(), e);
            }
        }
        throw new IllegalStateException("etcd member " + spec.name() + " not " + what + " within " + timeout + "; log "
                + spec.logFile() + ":\n" + logTail(20));
    }

    private boolean answersHealth() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + endpoint() + "/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"true\"");
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL, as a crash; waits for the process to end. No-op when not running. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, STOP_GRACE);
            process = null;
            paused = false;
        }
    }

    /**
     * SIGTERM, then SIGKILL if it has not ended within 10 s. A paused member is killed at
     * once: it would not act on SIGTERM before it is continued. No-op when not running.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (paused) {
            kill();
            return;
        }
        process.destroy();
        if (!waitFor(process, STOP_GRACE)) {
            process.destroyForcibly();
            waitFor(process, STOP_GRACE);
        }
        process = null;
    }

    /** SIGSTOP: the member keeps its connections but answers nothing. */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    private void signal(String sig) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("etcd member " + spec.name() + " is not running");
        }
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!waitFor(k, Duration.ofSeconds(10)) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True while the process runs (paused counts as running). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id; only while started. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("etcd member " + spec.name() + " is not running");
        }
        return process.pid();
    }

    /** {@code 127.0.0.1:<clientPort>}, as {@code --etcd-endpoints} takes it. */
    public String endpoint() {
        return "127.0.0.1:" + spec.clientPort();
    }

    public Spec spec() {
        return spec;
    }

    /** The last {@code lines} lines of the member's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(spec.logFile());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }

    private synchronized Process currentProcess() {
        return process;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }
}
