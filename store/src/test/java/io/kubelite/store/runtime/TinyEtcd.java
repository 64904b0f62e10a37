package io.kubelite.store.runtime;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ByteSequence;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway etcd for this package's tests only (the shared JUnit extension lives
 * elsewhere): /usr/bin/etcd on free loopback ports with a temp data dir.
 */
final class TinyEtcd implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final String endpoint;

    private TinyEtcd(Process process, Path dir, String endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
    }

    static TinyEtcd start() throws Exception {
        Path dir = Files.createTempDirectory("tiny-etcd");
        int client = freePort();
        int peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        Process p = new ProcessBuilder("/usr/bin/etcd",
                "--name", "tiny", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "tiny=" + peerUrl)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile())
                .start();
        TinyEtcd etcd = new TinyEtcd(p, dir, "127.0.0.1:" + client);
        try {
            etcd.awaitAnswering(20_000);
        } catch (Exception e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    String endpoint() {
        return endpoint;
    }

    Client client() {
        return Client.builder().endpoints("http://" + endpoint).build();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private void awaitAnswering(long millis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try (Client c = client()) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("etcd exited: " + Files.readString(dir.resolve("etcd.log")));
                }
                try {
                    c.getKVClient().get(bytes("/ping")).get(1, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    last = e;
                    Thread.sleep(100); // poll interval; the loop itself checks for the state
                }
            }
            throw new IllegalStateException("etcd did not answer within " + millis + "ms", last);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
