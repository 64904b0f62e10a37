package io.kubelite.bench.common;

import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * A single durable etcd member (every write fsynced, as in production) started from the
 * {@code etcd} binary in a temporary directory, for one benchmark run. {@link #close()} stops it
 * and deletes its data; its log stays where the caller put it. A JVM stopped with ^C stops it too.
 */
public final class ThrowawayEtcd implements AutoCloseable {
    private final EtcdMember member;
    private final Path dataDir;

    private ThrowawayEtcd(EtcdMember member, Path dataDir) {
        this.member = member;
        this.dataDir = dataDir;
    }

    /** Starts it and waits until it is healthy; {@code log} receives its output. */
    public static ThrowawayEtcd start(String name, Path log) throws IOException {
        Path dir = Files.createTempDirectory("kubelite-" + name + "-etcd");
        EtcdMember m = EtcdMember.startHealthy(
                EtcdBinary.etcd()
                        .orElseThrow(() -> new IllegalStateException(
                                "no etcd binary: install etcd-server or pass --etcd-endpoints")),
                EtcdMember.Spec.single(name, dir.resolve("data"), log)
                        .withFlags("--quota-backend-bytes", String.valueOf(8L << 30)),
                Duration.ofSeconds(30));
        ThrowawayEtcd etcd = new ThrowawayEtcd(m, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(m::close, name + "-etcd-stop"));
        return etcd;
    }

    public String endpoint() {
        return member.endpoint();
    }

    public long pid() {
        return member.pid();
    }

    @Override
    public void close() throws IOException {
        member.close();
        try (var paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
