package io.kubelite.etcdlite;

import io.kubelite.store.local.LocalEtcd;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd child process started with extra flags (LocalEtcd takes none), e.g. a small
 * {@code --max-request-bytes}; closing kills it and removes its data dir.
 */
final class FlaggedEtcd implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private FlaggedEtcd(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static FlaggedEtcd start(String... flags) throws IOException {
        Path bin = LocalEtcd.findBinary().orElseThrow(() -> new IllegalStateException("no etcd binary"));
        Path dir = Files.createTempDirectory("flagged-etcd");
        int client = FreePorts.next();
        int peer = FreePorts.next();
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--name", "flagged", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "flagged=http://127.0.0.1:" + peer, "--logger", "zap", "--log-level", "warn"));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile())).start();
        FlaggedEtcd e = new FlaggedEtcd(p, dir, client);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            Poll.until(Duration.ofSeconds(30), "etcd healthy", () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("etcd exited; see " + dir.resolve("etcd.log"));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client + "/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && r.body().contains("true");
                } catch (IOException ex) {
                    return false;
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } catch (RuntimeException | Error ex) {
            e.close();
            throw ex;
        }
        return e;
    }

    String endpoint() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
