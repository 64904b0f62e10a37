package io.kubelite.kubelet.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away etcd process for a benchmark: its own temp data dir, loopback ports, an
 * 8 GiB quota, and the periodic watch progress notifications the store's watch relies
 * on. {@link #close()} kills it and deletes the data dir.
 */
final class LocalEtcd implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final String endpoint;

    private LocalEtcd(Process process, Path dataDir, String endpoint) {
        this.process = process;
        this.dataDir = dataDir;
        this.endpoint = endpoint;
    }

    static LocalEtcd start() throws IOException {
        Path dataDir = Files.createTempDirectory("bench-etcd");
        int client = freePort();
        int peer = freePort();
        String bin = System.getenv().getOrDefault("ETCD_BIN", "/usr/bin/etcd");
        Process p = new ProcessBuilder(bin, "--data-dir", dataDir.toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--quota-backend-bytes", "8589934592",
                "--experimental-watch-progress-notify-interval", "5s")
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("etcd.log").toFile()).start();
        LocalEtcd etcd = new LocalEtcd(p, dataDir, "127.0.0.1:" + client);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return etcd;
    }

    String endpoint() {
        return endpoint;
    }

    long pid() {
        return process.pid();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        try (var s = Files.walk(dataDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
