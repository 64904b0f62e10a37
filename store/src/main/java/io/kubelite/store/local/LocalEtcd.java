package io.kubelite.store.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd started from the local {@code etcd} binary on 127.0.0.1, for
 * programs that need one of their own (benchmarks, {@code kubelite up}). Waits until
 * etcd answers {@code /health}; {@link #close()} stops it (SIGTERM, then SIGKILL) and is
 * idempotent. The data dir is kept: the caller owns it.
 */
public final class LocalEtcd implements AutoCloseable {
    private final Process process;
    private final int clientPort;
    private final Path dataDir;
    private boolean closed;

    private LocalEtcd(Process process, int clientPort, Path dataDir) {
        this.process = process;
        this.clientPort = clientPort;
        this.dataDir = dataDir;
    }

    /** The etcd binary: {@code ETCD_BIN}, else {@code etcd} on PATH. */
    public static Optional<Path> findBinary() {
        String env = System.getenv("ETCD_BIN");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "etcd"))) {
                return Optional.of(Path.of(dir, "etcd"));
            }
        }
        return Optional.empty();
    }

    /**
     * Starts etcd with its data in {@code dataDir} on {@code clientPort} (0 = a free
     * port), its log appended to {@code logFile}.
     */
    public static LocalEtcd start(Path binary, Path dataDir, int clientPort, Path logFile, Duration timeout) {
        int client = clientPort == 0 ? freePort() : clientPort;
        int peer = freePort();
        try {
            Files.createDirectories(dataDir);
            Process p = new ProcessBuilder(Sessions.inNewSession(List.of(binary.toString(),
                    "--name", "kubelite",
                    "--data-dir", dataDir.toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + client,
                    "--advertise-client-urls", "http://127.0.0.1:" + client,
                    "--listen-peer-urls", "http://127.0.0.1:" + peer,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                    "--initial-cluster", "kubelite=http://127.0.0.1:" + peer,
                    // idle watchers learn etcd's revision this often (ResourceWatch relies on it)
                    "--experimental-watch-progress-notify-interval", "5s",
                    "--logger", "zap",
                    "--log-level", "warn")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            LocalEtcd etcd = new LocalEtcd(p, client, dataDir);
            etcd.awaitHealthy(timeout, logFile);
            return etcd;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    private void awaitHealthy(Duration timeout, Path logFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with code " + process.exitValue() + " at start; see " + logFile);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPort + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("true")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
        throw new IllegalStateException("etcd did not become healthy within " + timeout + "; see " + logFile);
    }

    public String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        return LoopbackPorts.free();
    }
}
