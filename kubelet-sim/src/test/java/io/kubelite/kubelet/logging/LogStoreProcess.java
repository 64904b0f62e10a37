package io.kubelite.kubelet.logging;

import io.kubelite.logstore.LogStoreMain;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kubelite log-store} as a child JVM on a fixed port and data directory, so it can be
 * killed and started again where agents expect it; and queries through its Loki API.
 */
public final class LogStoreProcess implements AutoCloseable {
    private static final Duration T = Duration.ofSeconds(60);
    private final int port;
    private final Path dataDir;
    private final Path log;
    private final String etcdEndpoints;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    public LogStoreProcess(String etcdEndpoints, int port, Path dataDir) throws Exception {
        this.etcdEndpoints = etcdEndpoints;
        this.port = port;
        this.dataDir = dataDir;
        this.log = Files.createTempFile("log-store", ".log");
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Starts the process and waits until it answers /ready. */
    public void start() throws Exception {
        process = ChildJvm.builder(
                        List.of("-Xmx256m"),
                        LogStoreMain.class,
                        List.of(
                                "--etcd-endpoints=" + etcdEndpoints,
                                "--mirror-pod=false",
                                "--data-dir=" + dataDir,
                                "--port=" + port,
                                "--health-port=0"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Poll.until(T, "log-store answers /ready (process log " + log + ")", () -> ready());
    }

    private boolean ready() {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create("http://" + address() + "/ready"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** SIGKILL. */
    public void kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("log-store did not die");
        }
    }

    /** Lines {@code query} selects with {@code from ≤ ts < to}, oldest first (at most 5000). */
    public List<LokiQueries.StoredLine> query(String query, Instant from, Instant to) {
        try {
            return new LokiQueries(address()).query(query, from, to);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (process log " + log + ")", e);
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(log);
    }
}
