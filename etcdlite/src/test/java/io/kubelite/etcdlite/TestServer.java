package io.kubelite.etcdlite;

import io.etcd.jetcd.Client;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A server under test: a real etcd or an in-process etcdlite, with one shared jetcd client. */
/**
 * Not AutoCloseable on purpose: JUnit closes AutoCloseable arguments after each
 * invocation, and these are shared by the run ({@link BothServers} closes them).
 */
public final class TestServer {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private final String name;
    private final String endpoint;
    private final AutoCloseable server;
    /** Removed on {@link #stop()}; null when the server removes its own. */
    private final Path dir;

    private final Client client;

    private TestServer(String name, String endpoint, AutoCloseable server, Path dir) {
        this.name = name;
        this.endpoint = endpoint;
        this.server = server;
        this.dir = dir;
        this.client = Client.builder().endpoints("http://" + endpoint).build();
    }

    static TestServer etcd() {
        // the cluster keeps its data in a temp dir of its own and removes it on close
        ProcessEtcdCluster etcd = ProcessEtcdCluster.start(1);
        return new TestServer("etcd", etcd.endpoints().get(0), etcd, null);
    }

    static TestServer etcdlite() {
        try {
            Path dir = tempDir("etcdlite");
            EtcdLite lite = EtcdLite.start(new EtcdLite.Options().dataDir(dir).listen("127.0.0.1:0"));
            return new TestServer("etcdlite", lite.endpoint(), lite, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempDir(String what) {
        try {
            return Files.createTempDirectory("conformance-" + what + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    /** {@code 127.0.0.1:port}. */
    public String endpoint() {
        return endpoint;
    }

    public Client client() {
        return client;
    }

    /** A key prefix no other test uses. */
    public String prefix() {
        return "/c" + PREFIXES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff) + "/";
    }

    @Override
    public String toString() {
        return name;
    }

    /** Stops the server and removes its data dir. */
    void stop() throws Exception {
        client.close();
        server.close();
        if (dir == null) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
